// A subject with one deliberate bug, to show the suite catching it:
//   node conformance/dist/bin.js --subject conformance/examples/broken-subject.mjs
//
// It wraps vskit's own subject (vs-api on emulated volumes) and changes one behaviour:
// CreateDifferencingVirtualHardDisk answers S_OK, with a task that "succeeds" at once, where
// the contract says E_ALREADY_EXISTS (something already exists at imagePath).
import { emulatedSubject, HR } from '@vskit/conformance';

/** A task that is already complete and reports success. */
const doneTask = {
  Description: 'create differencing disk',
  ID: 'broken',
  IsCancelable: false,
  IsComplete: true,
  PercentCompleted: 100,
  Result: 0,
  Error: HR.S_OK,
  ErrorDescription: '',
  WaitForCompletion: async () => HR.S_OK,
  Cancel: async () => HR.E_FAIL,
};

/** @type {import('@vskit/conformance').Subject} */
const brokenSubject = {
  name: 'vs-api on the emulated host, with E_ALREADY_EXISTS turned into S_OK',
  createHost: (state) => emulatedSubject.createHost(state),
  async createServer(host) {
    const inner = await emulatedSubject.createServer(host);
    return {
      ...inner, // the rest of the surface as it is
      CreateDynamicVirtualHardDisk: (path, sizeMB, out) =>
        inner.CreateDynamicVirtualHardDisk(path, sizeMB, out),
      CreateFixedVirtualHardDisk: (path, sizeMB, out) =>
        inner.CreateFixedVirtualHardDisk(path, sizeMB, out),
      GetHardDisk: (path, out) => inner.GetHardDisk(path, out),
      async CreateDifferencingVirtualHardDisk(imagePath, parentPath, out) {
        const hr = await inner.CreateDifferencingVirtualHardDisk(imagePath, parentPath, out);
        if (hr !== HR.E_ALREADY_EXISTS) return hr;
        out.value = doneTask; // the bug: claim success over an existing file
        return HR.S_OK;
      },
    };
  },
};

export default brokenSubject;
