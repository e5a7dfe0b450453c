import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeMixFile } from '../load/mixFile.js';
import { REPO_ROOT } from './servers.js';

/** The C source of the native load generator. */
export const NATIVE_SOURCE = join(REPO_ROOT, 'bench', 'native', 'calcload.c');

/** Where it is built by default (git-ignored, like all of dist/). */
export const NATIVE_DIR = join(REPO_ROOT, 'dist', 'bench', 'native');

/** The native generator, ready: the program and the mix file it reads. */
export interface NativeGenerator {
  readonly ok: true;
  readonly binary: string;
  readonly mixFile: string;
  /** True when this call compiled it (the binary was missing or older than the source). */
  readonly built: boolean;
}

/** Why there is no native generator: one line, for the progress display and the report. */
export interface NoNativeGenerator {
  readonly ok: false;
  readonly reason: string;
}

/** Options of {@link buildNativeGenerator}. */
export interface BuildOptions {
  /** The C compiler. Defaults to `cc`. */
  readonly cc?: string;
  /** Where the program and the mix file go. Defaults to {@link NATIVE_DIR}. */
  readonly outDir?: string;
}

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Builds bench/native/calcload.c with the system's C compiler when the binary is missing or older
 * than the source (into a temporary name, then renamed, so two builds never see half a binary),
 * and writes the request mix it reads. Never throws: without a compiler, or when it fails, the
 * answer says why in one line and the bench falls back to the Node generator.
 *
 * Example: `const native = buildNativeGenerator(); if (!native.ok) console.error(native.reason)`
 */
export function buildNativeGenerator(options: BuildOptions = {}): NativeGenerator | NoNativeGenerator {
  const cc = options.cc ?? 'cc';
  const outDir = options.outDir ?? NATIVE_DIR;
  const binary = join(outDir, 'calcload');
  const mixFile = join(outDir, 'mix.txt');
  const sourceTime = mtimeMs(NATIVE_SOURCE);
  if (sourceTime === undefined) return { ok: false, reason: `${NATIVE_SOURCE} is missing` };
  mkdirSync(outDir, { recursive: true });
  writeMixFile(mixFile);
  const binaryTime = mtimeMs(binary);
  if (binaryTime !== undefined && binaryTime >= sourceTime) return { ok: true, binary, mixFile, built: false };
  const temporary = `${binary}.${process.pid}.tmp`;
  const result = spawnSync(cc, ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-o', temporary, NATIVE_SOURCE], { encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return { ok: false, reason: `no C compiler ("${cc}" not found), so no native load generator: install gcc (apt-get install gcc)` };
  }
  if (result.error !== undefined || result.status !== 0) {
    const firstError = (result.stderr ?? '').split('\n').find((line) => line.includes('error')) ?? result.error?.message ?? `exit ${result.status}`;
    return { ok: false, reason: `"${cc}" could not build ${NATIVE_SOURCE}: ${firstError.trim()}` };
  }
  renameSync(temporary, binary);
  return { ok: true, binary, mixFile, built: true };
}
