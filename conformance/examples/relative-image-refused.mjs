// A subject with one deliberate bug, to show the report pointing at its cause:
//   node conformance/dist/bin.js --subject conformance/examples/relative-image-refused.mjs
//
// It wraps vskit's own subject (vs-api on emulated volumes) and changes one behaviour:
// CreateDifferencingVirtualHardDisk refuses a relative imagePath with E_INVALIDARG, where the
// contract resolves it against the parent's folder (CDVHD.remark.relative-image).
import { emulatedSubject, HR } from '@vskit/conformance';

const absolute = (path) => typeof path === 'string' && /^[A-Za-z]:\\/.test(path);

/** @type {import('@vskit/conformance').Subject} */
const relativeImageRefused = {
  name: 'vs-api on the emulated host, refusing a relative differencing imagePath',
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
      CreateDifferencingVirtualHardDisk(imagePath, parentPath, out) {
        // the bug: a relative imagePath is refused instead of resolved against the parent's folder
        if (typeof imagePath === 'string' && !absolute(imagePath)) return HR.E_INVALIDARG;
        return inner.CreateDifferencingVirtualHardDisk(imagePath, parentPath, out);
      },
    };
  },
};

export default relativeImageRefused;
