/**
 * Calling a creation method on a COM server, shared by the properties.
 * @module
 */
import { asHresult } from '../../hresults.js';
import type { CreateCall } from '../../state.js';
import type { ComServer, ComTask, OutParam } from '../../subject.js';

/** Calls the method a {@link CreateCall} names; the task lands in `out`. */
export async function invoke(
  server: ComServer,
  call: CreateCall,
  task: OutParam<ComTask> | null,
): Promise<number> {
  const out = task as OutParam<never> | null;
  const hr =
    call.method === 'CreateDifferencingVirtualHardDisk'
      ? await server.CreateDifferencingVirtualHardDisk(call.imagePath, call.parentPath, out)
      : call.method === 'CreateDynamicVirtualHardDisk'
        ? await server.CreateDynamicVirtualHardDisk(call.imagePath, call.sizeMB, out)
        : await server.CreateFixedVirtualHardDisk(call.imagePath, call.sizeMB, out);
  return asHresult(hr);
}
