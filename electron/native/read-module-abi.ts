/**
 * Which ABI a compiled Node addon (.node) was built for, read from its bytes: a non-N-API addon
 * exports `node_register_module_v<NODE_MODULE_VERSION>` (Node's NODE_MODULE macro names its entry
 * point after the ABI; Electron uses its own ABI numbers), an N-API addon exports
 * `napi_register_module_v1` and loads in any runtime. The symbol name is plain ASCII in the file's
 * symbol or export table on Linux (ELF), macOS (Mach-O, with a leading underscore) and Windows (PE).
 */
export type ModuleAbi = { kind: 'abi'; abi: number } | { kind: 'napi' } | { kind: 'unknown' };

const NODE_ENTRY = Buffer.from('node_register_module_v', 'latin1');
const NAPI_ENTRY = Buffer.from('napi_register_module_v', 'latin1');

export function readModuleAbi(bytes: Uint8Array): ModuleAbi {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buffer.indexOf(NODE_ENTRY); at >= 0; at = buffer.indexOf(NODE_ENTRY, at + 1)) {
    let end = at + NODE_ENTRY.length;
    while (end < buffer.length && buffer[end]! >= 0x30 && buffer[end]! <= 0x39) end += 1;
    if (end > at + NODE_ENTRY.length) return { kind: 'abi', abi: Number(buffer.toString('latin1', at + NODE_ENTRY.length, end)) };
  }
  if (buffer.includes(NAPI_ENTRY)) return { kind: 'napi' };
  return { kind: 'unknown' };
}
