import { existsSync, readFileSync } from 'node:fs';
import { readModuleAbi } from './read-module-abi';

export interface NativeBinaryCheck {
  /** The npm package, e.g. better-sqlite3. */
  module: string;
  /** Who loads it: "Node.js 20.20.0" or "Electron 41.7.1". */
  runtime: string;
  file: string;
  /** The NODE_MODULE_VERSION the runtime needs. */
  expectedAbi: number;
  /** The one command that makes this binary right. */
  fix: string;
}

export interface NativeBinaryVerdict {
  ok: boolean;
  /** What the file was built for: an ABI number, 'napi', 'unknown', or 'missing'. */
  found: number | 'napi' | 'unknown' | 'missing';
  /** One or two sentences naming the module, the runtime, the mismatch and the fix. */
  message: string;
}

/**
 * Whether a native module's compiled binary can load in a runtime, decided from the file itself:
 * a binary built for another ABI makes the runtime refuse it ("compiled against a different Node.js
 * version") and the app would stop with a stack trace; here it is a sentence with the fix.
 */
export function checkNativeBinary(check: NativeBinaryCheck): NativeBinaryVerdict {
  const { module, runtime, file, expectedAbi, fix } = check;
  if (!existsSync(file)) {
    return { ok: false, found: 'missing', message: `${module} has no build for ${runtime} (ABI ${expectedAbi}): ${file} is missing. Fix: ${fix}` };
  }
  const abi = readModuleAbi(readFileSync(file));
  if (abi.kind === 'napi') return { ok: true, found: 'napi', message: `${module} uses N-API and loads in ${runtime}.` };
  if (abi.kind === 'unknown') {
    return { ok: false, found: 'unknown', message: `${module}: ${file} is not a Node addon this check can read (no ABI entry point). Fix: ${fix}` };
  }
  if (abi.abi !== expectedAbi) {
    return {
      ok: false,
      found: abi.abi,
      message: `${module} was built for ABI ${abi.abi} (${describeAbi(abi.abi)}), but ${runtime} needs ABI ${expectedAbi}: ${file}. Fix: ${fix}`,
    };
  }
  return { ok: true, found: abi.abi, message: `${module} is built for ${runtime} (ABI ${expectedAbi}).` };
}

/**
 * Node's own load error for a wrong-ABI addon ("…was compiled against a different Node.js version
 * using NODE_MODULE_VERSION 145. This version of Node.js requires NODE_MODULE_VERSION 115…") as a
 * sentence with the fix; null for any other error.
 */
export function describeNativeLoadFailure(error: unknown, fix: string): string | null {
  const text = error instanceof Error ? error.message : String(error);
  const match = text.match(/NODE_MODULE_VERSION (\d+)\.[\s\S]*?requires\s+NODE_MODULE_VERSION (\d+)/);
  if (!match) return null;
  const file = text.match(/'([^']+\.node)'/)?.[1] ?? 'a native module';
  const module = /better[-_]sqlite3/.test(file) ? 'better-sqlite3' : file;
  return `${module} was built for ABI ${match[1]} (${describeAbi(Number(match[1]))}), but this runtime needs ABI ${match[2]}. Fix: ${fix}`;
}

/** Rough names for ABI numbers people meet here; Electron's are 110+ and odd-spaced from Node's. */
function describeAbi(abi: number): string {
  const node: Record<number, string> = { 108: 'Node.js 18', 115: 'Node.js 20', 127: 'Node.js 22', 131: 'Node.js 23', 137: 'Node.js 24' };
  return node[abi] ?? 'another runtime, e.g. Electron';
}
