/**
 * A counterexample in a few lines for the text report: a generated scenario (host state and
 * call) in words, anything else as JSON.
 * @module
 */
import { GIB, MIB, TIB } from './units.js';

const size = (bytes: number): string => {
  for (const [unit, n] of [
    ['TiB', TIB],
    ['GiB', GIB],
    ['MiB', MIB],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= n && bytes % (n / 1024) === 0) return `${+(bytes / n).toFixed(3)} ${unit}`;
  }
  return `${bytes} bytes`;
};

const arg = (value: unknown): string =>
  value === '<undefined>'
    ? 'undefined'
    : typeof value === 'string'
      ? JSON.stringify(value)
      : String(value);

interface ScenarioShape {
  state: {
    volumes: Array<{
      drive: string;
      fileSystem: string;
      free: { kind: string; needBytes?: number; short?: boolean };
    }>;
    entries: Array<{
      kind: string;
      path: string;
      bytes?: number;
      disk?: { type: string; sizeBytes: number; corruption: string | null; unreadable: boolean };
    }>;
    shuttingDown: boolean;
  };
  call: {
    method: string;
    imagePath: unknown;
    parentPath?: unknown;
    sizeMB?: number;
    nullTask: boolean;
  };
}

/** A creation call as code: `CreateFixedVirtualHardDisk("C:\\d.vhd", 5, task)`. */
export function describeCall(call: ScenarioShape['call']): string {
  const args =
    call.method === 'CreateDifferencingVirtualHardDisk'
      ? [call.imagePath, call.parentPath]
      : [call.imagePath, call.sizeMB];
  return `${call.method}(${[...args.map(arg), call.nullTask ? 'null' : 'task'].join(', ')})`;
}

function isScenario(value: unknown): value is ScenarioShape {
  const v = value as ScenarioShape;
  return (
    typeof v === 'object' && v !== null && typeof v.state === 'object' && typeof v.call === 'object'
  );
}

/** A counterexample in a few lines: scenarios in words, anything else as JSON. */
export function describeValue(value: unknown): string[] {
  const record = value as Record<string, unknown>;
  const scenario = isScenario(value)
    ? value
    : isScenario(record?.scenario)
      ? record.scenario
      : undefined;
  if (scenario === undefined) return JSON.stringify(value, null, 2).split('\n');
  const { state, call } = scenario;
  const lines = [
    `volumes: ${state.volumes
      .map((v) => {
        const free =
          v.free.kind === 'edge'
            ? `free ${v.free.short ? 'one cluster short of' : 'exactly'} ${size(v.free.needBytes ?? 0)}`
            : 'plenty free';
        return `${v.drive}: ${v.fileSystem} (${free})`;
      })
      .join(', ')}${state.shuttingDown ? '; shutting down' : ''}`,
  ];
  for (const e of state.entries) {
    if (e.kind === 'vhd' && e.disk) {
      const broken = [
        e.disk.corruption ? `corrupt: ${e.disk.corruption}` : '',
        e.disk.unreadable ? 'unreadable' : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `file:   ${e.path}  ${e.disk.type} VHD of ${size(e.disk.sizeBytes)}${broken ? ` (${broken})` : ''}`,
      );
    } else if (e.kind === 'junk') lines.push(`file:   ${e.path}  ${e.bytes} bytes, not a VHD`);
    else lines.push(`folder: ${e.path}`);
  }
  lines.push(`call:   ${describeCall(call)}`);
  for (const [key, v] of Object.entries(record)) {
    if (key !== 'scenario' && key !== 'state' && key !== 'call' && key !== 'aim')
      lines.push(`${key}: ${JSON.stringify(v)}`);
  }
  return lines;
}
