// A subject with one deliberate bug: it answers E_FILE_NOT_FOUND wherever the contract says
// E_PATH_NOT_FOUND (a missing folder or drive), on every creation method and GetHardDisk.
//   node conformance/dist/bin.js --subject conformance/examples/file-for-path-not-found.mjs
import { emulatedSubject, HR } from '@vskit/conformance';

const swap = (hr) => (hr === HR.E_PATH_NOT_FOUND ? HR.E_FILE_NOT_FOUND : hr);

/** @type {import('@vskit/conformance').Subject} */
const fileForPathNotFound = {
  name: 'vs-api on the emulated host, answering E_FILE_NOT_FOUND for E_PATH_NOT_FOUND',
  createHost: (state) => emulatedSubject.createHost(state),
  async createServer(host) {
    const inner = await emulatedSubject.createServer(host);
    return {
      ...inner, // the rest of the surface as it is
      CreateDynamicVirtualHardDisk: async (path, sizeMB, out) =>
        swap(await inner.CreateDynamicVirtualHardDisk(path, sizeMB, out)),
      CreateFixedVirtualHardDisk: async (path, sizeMB, out) =>
        swap(await inner.CreateFixedVirtualHardDisk(path, sizeMB, out)),
      GetHardDisk: async (path, out) => swap(await inner.GetHardDisk(path, out)),
      CreateDifferencingVirtualHardDisk: async (imagePath, parentPath, out) =>
        swap(await inner.CreateDifferencingVirtualHardDisk(imagePath, parentPath, out)),
    };
  },
};

export default fileForPathNotFound;
