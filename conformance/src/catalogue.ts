/**
 * The requirement catalogue: every row of the seed page's return-code table, its remarks and
 * every rule of SEMANTICS.md, each with a stable id and the sentence it checks. Properties name
 * the ids they cover; the report has one line per id.
 *
 * The three creation methods share one shape: an ordered list of checks ({@link METHOD_CHECKS}),
 * each with one or more variants (the conditions that trigger it). Their requirement ids are
 * derived from that list: `CDVHD.E_BAD_PATHNAME.both-relative` for a variant,
 * `CDVHD.order.invalid-name-before-bad-pathname` for the order of two adjacent checks.
 * @module
 */
import type { HrName } from './hresults.js';

/** One requirement: a stable id and the sentence it checks. */
export interface Requirement {
  /** Stable id, `GROUP.name[.detail]`. */
  readonly id: string;
  /** The sentence the requirement checks. */
  readonly text: string;
}

/** The creation methods the suite calls. */
export type CreateMethod =
  | 'CreateDifferencingVirtualHardDisk'
  | 'CreateDynamicVirtualHardDisk'
  | 'CreateFixedVirtualHardDisk';

/** Every creation method. */
export const CREATE_METHODS: readonly CreateMethod[] = [
  'CreateDifferencingVirtualHardDisk',
  'CreateDynamicVirtualHardDisk',
  'CreateFixedVirtualHardDisk',
];

/** The id prefix of each method's requirements. */
export const METHOD_PREFIX: Readonly<Record<CreateMethod, string>> = {
  CreateDifferencingVirtualHardDisk: 'CDVHD',
  CreateDynamicVirtualHardDisk: 'CDYN',
  CreateFixedVirtualHardDisk: 'CFIX',
};

/** The condition names a check can be triggered by (used by the model and the generators). */
export type ConditionName =
  | 'null-image'
  | 'null-parent'
  | 'null-task'
  | 'size-zero'
  | 'size-negative'
  | 'shutting-down'
  | 'invalid-image'
  | 'invalid-parent'
  | 'both-relative'
  | 'image-relative'
  | 'long-given'
  | 'long-resolved'
  | 'parent-volume-missing'
  | 'parent-missing'
  | 'parent-is-folder'
  | 'image-volume-missing'
  | 'image-folder-is-file'
  | 'image-exists-file'
  | 'image-exists-folder'
  | 'parent-invalid'
  | 'parent-unreadable'
  | 'size-too-large'
  | 'size-too-small'
  | 'too-large-fat16'
  | 'too-large-fat32'
  | 'disk-full';

/** One way a check can fail: the condition, the HRESULT, the id suffix and the sentence. */
export interface CheckVariant {
  readonly condition: ConditionName;
  readonly code: HrName;
  /** Id suffix after the code (`both-relative`), or `''` when the code alone names it. */
  readonly suffix: string;
  readonly text: string;
}

/** One numbered check of a creation method. */
export interface MethodCheck {
  /** Short name used in order ids: `invalid-name`. */
  readonly step: string;
  readonly variants: readonly CheckVariant[];
}

const v = (condition: ConditionName, code: HrName, suffix: string, text: string): CheckVariant => ({
  condition,
  code,
  suffix,
  text,
});

const DIFF_CHECKS: readonly MethodCheck[] = [
  {
    step: 'pointer',
    variants: [
      v('null-image', 'E_POINTER', 'image', 'imagePath null or undefined gives E_POINTER.'),
      v('null-parent', 'E_POINTER', 'parent', 'parentPath null or undefined gives E_POINTER.'),
      v('null-task', 'E_POINTER', 'task', 'A null task out-parameter gives E_POINTER.'),
    ],
  },
  {
    step: 'shutting-down',
    variants: [
      v(
        'shutting-down',
        'VM_E_APP_SHUTTING_DOWN',
        '',
        'Once the host application has begun shutting down the call gives VM_E_APP_SHUTTING_DOWN.',
      ),
    ],
  },
  {
    step: 'invalid-name',
    variants: [
      v(
        'invalid-image',
        'E_INVALID_NAME',
        'image',
        'imagePath holding one of * ? : < > / | " or a control character gives E_INVALID_NAME.',
      ),
      v(
        'invalid-parent',
        'E_INVALID_NAME',
        'parent',
        'parentPath holding one of * ? : < > / | " or a control character gives E_INVALID_NAME.',
      ),
    ],
  },
  {
    step: 'bad-pathname',
    variants: [
      v(
        'both-relative',
        'E_BAD_PATHNAME',
        'both-relative',
        'Both paths empty or relative (rooted \\x counts as relative) gives E_BAD_PATHNAME.',
      ),
    ],
  },
  {
    step: 'buffer-overflow',
    variants: [
      v(
        'long-given',
        'E_BUFFER_OVERFLOW',
        'given',
        'A path given with 260 or more characters gives E_BUFFER_OVERFLOW; 259 is accepted.',
      ),
      v(
        'long-resolved',
        'E_BUFFER_OVERFLOW',
        'resolved',
        'A relative path that resolves to 260 or more characters gives E_BUFFER_OVERFLOW.',
      ),
    ],
  },
  {
    step: 'path-not-found',
    variants: [
      v(
        'parent-volume-missing',
        'E_PATH_NOT_FOUND',
        'parent-volume',
        "The parent's drive letter has no host volume: E_PATH_NOT_FOUND.",
      ),
      v('parent-missing', 'E_PATH_NOT_FOUND', 'parent-file', 'No parent file: E_PATH_NOT_FOUND.'),
      v(
        'parent-is-folder',
        'E_PATH_NOT_FOUND',
        'parent-is-folder',
        'parentPath names a folder, not a file: E_PATH_NOT_FOUND.',
      ),
      v(
        'image-volume-missing',
        'E_PATH_NOT_FOUND',
        'image-volume',
        "The image's drive letter has no host volume: E_PATH_NOT_FOUND.",
      ),
      v(
        'image-folder-is-file',
        'E_PATH_NOT_FOUND',
        'image-folder-is-file',
        "A component of the image's folder exists as a file: E_PATH_NOT_FOUND.",
      ),
    ],
  },
  {
    step: 'already-exists',
    variants: [
      v(
        'image-exists-file',
        'E_ALREADY_EXISTS',
        'file',
        'A file already at imagePath (any case) gives E_ALREADY_EXISTS.',
      ),
      v(
        'image-exists-folder',
        'E_ALREADY_EXISTS',
        'folder',
        'A folder already at imagePath (any case) gives E_ALREADY_EXISTS.',
      ),
    ],
  },
  {
    step: 'parent-file',
    variants: [
      v(
        'parent-invalid',
        'VM_E_INVALID_HD_FILE',
        '',
        'A parent that is not a structurally valid VHD (cookie, checksum, header, truncated) gives VM_E_INVALID_HD_FILE.',
      ),
      v(
        'parent-unreadable',
        'VM_E_HD_IMAGE_OPEN_FAIL',
        '',
        'A parent that cannot be opened or read gives VM_E_HD_IMAGE_OPEN_FAIL.',
      ),
    ],
  },
  {
    step: 'size',
    variants: [
      v(
        'size-too-large',
        'VM_E_IMAGE_SIZE_TOO_LARGE',
        '',
        'A parent virtual size of 2,088,960 MB or more gives VM_E_IMAGE_SIZE_TOO_LARGE; just below is accepted.',
      ),
      v(
        'size-too-small',
        'VM_E_IMAGE_SIZE_TOO_SMALL',
        '',
        'A parent virtual size below 3 MB gives VM_E_IMAGE_SIZE_TOO_SMALL; exactly 3 MB is accepted.',
      ),
    ],
  },
  {
    step: 'file-too-large',
    variants: [
      v(
        'too-large-fat16',
        'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
        'fat16',
        'On FAT16 (2 GiB - 1 byte) a child whose fully expanded file is larger gives VM_E_FILE_TOO_LARGE_FOR_VOLUME.',
      ),
      v(
        'too-large-fat32',
        'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
        'fat32',
        'On FAT32 (4 GiB - 1 byte) a child whose fully expanded file is larger gives VM_E_FILE_TOO_LARGE_FOR_VOLUME.',
      ),
    ],
  },
  {
    step: 'disk-full',
    variants: [
      v(
        'disk-full',
        'E_DISK_FULL',
        '',
        "Less than 8 MB free on the image's volume gives E_DISK_FULL; exactly 8 MB is enough.",
      ),
    ],
  },
];

function sizedChecks(kind: 'dynamic' | 'fixed'): readonly MethodCheck[] {
  const byStep = new Map(DIFF_CHECKS.map((check) => [check.step, check]));
  const get = (step: string): MethodCheck => byStep.get(step) as MethodCheck;
  const only = (step: string, conditions: ConditionName[]): MethodCheck => ({
    step,
    variants: get(step).variants.filter((variant) => conditions.includes(variant.condition)),
  });
  return [
    {
      step: 'pointer',
      variants: [
        v('null-image', 'E_POINTER', 'image', 'imagePath null or undefined gives E_POINTER.'),
        v('null-task', 'E_POINTER', 'task', 'A null task out-parameter gives E_POINTER.'),
      ],
    },
    {
      step: 'invalid-arg',
      variants: [
        v('size-zero', 'E_INVALIDARG', 'zero', 'sizeMB of 0 gives E_INVALIDARG (after E_POINTER).'),
        v('size-negative', 'E_INVALIDARG', 'negative', 'A negative sizeMB gives E_INVALIDARG.'),
      ],
    },
    get('shutting-down'),
    {
      step: 'invalid-name',
      variants: [
        v(
          'invalid-image',
          'E_INVALID_NAME',
          'image',
          'imagePath holding one of * ? : < > / | " or a control character gives E_INVALID_NAME.',
        ),
      ],
    },
    {
      step: 'bad-pathname',
      variants: [
        v(
          'image-relative',
          'E_BAD_PATHNAME',
          'relative',
          'An empty, relative or rooted (\\x) imagePath gives E_BAD_PATHNAME.',
        ),
      ],
    },
    only('buffer-overflow', ['long-given']),
    only('path-not-found', ['image-volume-missing', 'image-folder-is-file']),
    get('already-exists'),
    {
      step: 'size',
      variants: [
        v(
          'size-too-large',
          'VM_E_IMAGE_SIZE_TOO_LARGE',
          '',
          'sizeMB of 2,088,960 or more gives VM_E_IMAGE_SIZE_TOO_LARGE; 2,088,959 is accepted.',
        ),
        v(
          'size-too-small',
          'VM_E_IMAGE_SIZE_TOO_SMALL',
          '',
          'sizeMB of 1 or 2 gives VM_E_IMAGE_SIZE_TOO_SMALL; 3 is accepted.',
        ),
      ],
    },
    {
      step: 'file-too-large',
      variants: [
        v(
          'too-large-fat16',
          'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
          'fat16',
          kind === 'fixed'
            ? 'On FAT16 a fixed image whose file (size + 512 bytes) exceeds 2 GiB - 1 byte gives VM_E_FILE_TOO_LARGE_FOR_VOLUME.'
            : 'On FAT16 a dynamic image whose fully expanded file exceeds 2 GiB - 1 byte gives VM_E_FILE_TOO_LARGE_FOR_VOLUME.',
        ),
        v(
          'too-large-fat32',
          'VM_E_FILE_TOO_LARGE_FOR_VOLUME',
          'fat32',
          kind === 'fixed'
            ? 'On FAT32 a fixed image whose file (size + 512 bytes) exceeds 4 GiB - 1 byte gives VM_E_FILE_TOO_LARGE_FOR_VOLUME.'
            : 'On FAT32 a dynamic image whose fully expanded file exceeds 4 GiB - 1 byte gives VM_E_FILE_TOO_LARGE_FOR_VOLUME.',
        ),
      ],
    },
    {
      step: 'disk-full',
      variants: [
        v(
          'disk-full',
          'E_DISK_FULL',
          '',
          kind === 'fixed'
            ? 'Less free space than the whole fixed file gives E_DISK_FULL; exactly enough is accepted.'
            : "Less than 8 MB free on the image's volume gives E_DISK_FULL; exactly 8 MB is enough.",
        ),
      ],
    },
  ];
}

/** The checks of each creation method, in the order SEMANTICS.md fixes. */
export const METHOD_CHECKS: Readonly<Record<CreateMethod, readonly MethodCheck[]>> = {
  CreateDifferencingVirtualHardDisk: DIFF_CHECKS,
  CreateDynamicVirtualHardDisk: sizedChecks('dynamic'),
  CreateFixedVirtualHardDisk: sizedChecks('fixed'),
};

/** The requirement id of one check variant: `CDVHD.E_POINTER.image`. */
export function variantId(method: CreateMethod, variant: CheckVariant): string {
  const base = `${METHOD_PREFIX[method]}.${variant.code}`;
  return variant.suffix === '' ? base : `${base}.${variant.suffix}`;
}

/** The requirement id of the order of two adjacent checks: `CDVHD.order.a-before-b`. */
export function orderId(method: CreateMethod, earlier: string, later: string): string {
  return `${METHOD_PREFIX[method]}.order.${earlier}-before-${later}`;
}

/** The requirement id of a method's success. */
export function successId(method: CreateMethod): string {
  return `${METHOD_PREFIX[method]}.S_OK`;
}

/** The requirement id saying a failed call changes nothing. */
export function unchangedId(method: CreateMethod): string {
  return `${METHOD_PREFIX[method]}.no-change-on-failure`;
}

/**
 * Pairs of conditions (`earlier+later`) that cannot hold together, or that the generators do not
 * combine. An order requirement is listed only for adjacent checks with a pair outside this set.
 */
export const EXCLUSIVE_CONDITIONS: ReadonlySet<string> = new Set([
  'both-relative+long-resolved',
  'long-resolved+parent-volume-missing',
  'long-resolved+image-volume-missing',
  'image-volume-missing+image-exists-file',
  'image-volume-missing+image-exists-folder',
  'image-folder-is-file+image-exists-file',
  'image-folder-is-file+image-exists-folder',
  'size-too-small+too-large-fat16',
  'size-too-small+too-large-fat32',
]);

/** Whether two adjacent checks can fail at once (some variant pair is not exclusive). */
export function canCoincide(a: MethodCheck, b: MethodCheck): boolean {
  return a.variants.some((va) =>
    b.variants.some((vb) => !EXCLUSIVE_CONDITIONS.has(`${va.condition}+${vb.condition}`)),
  );
}

function methodRequirements(method: CreateMethod): Requirement[] {
  const checks = METHOD_CHECKS[method];
  const name = method;
  const out: Requirement[] = [
    {
      id: successId(method),
      text: `${name}: when every check passes it returns S_OK and a task that completes with Result Success and Error S_OK, and the file exists at imagePath (missing folders created).`,
    },
    {
      id: unchangedId(method),
      text: `${name}: whenever it returns an error, nothing on any volume changes (snapshot equal).`,
    },
  ];
  for (const check of checks) {
    for (const variant of check.variants) {
      out.push({ id: variantId(method, variant), text: `${name}: ${variant.text}` });
    }
  }
  for (let i = 0; i + 1 < checks.length; i++) {
    const a = checks[i] as MethodCheck;
    const b = checks[i + 1] as MethodCheck;
    if (!canCoincide(a, b)) continue;
    out.push({
      id: orderId(method, a.step, b.step),
      text: `${name}: when both hold, the ${a.step} check (${codesOf(a)}) wins over the ${b.step} check (${codesOf(b)}).`,
    });
  }
  return out;
}

function codesOf(check: MethodCheck): string {
  return [...new Set(check.variants.map((variant) => variant.code))].join('/');
}

const r = (id: string, text: string): Requirement => ({ id, text });

/** Requirements of CreateDifferencingVirtualHardDisk beyond its check list. */
const DIFF_EXTRA: readonly Requirement[] = [
  r(
    'CDVHD.remark.relative-image',
    'Remarks: a relative imagePath is relative to the folder of the (absolute) parentPath.',
  ),
  r(
    'CDVHD.remark.relative-parent',
    'Remarks: a relative parentPath is relative to the folder of the (absolute) imagePath.',
  ),
  r('CDVHD.folder-created', "imagePath's containing folder and any missing ancestors are created."),
  r('CDVHD.parent-unchanged', 'The parent is opened read-only and never modified.'),
  r(
    'CDVHD.task.disk-full',
    'A task that runs out of space ends with Result DiskRelatedError (4) and Error E_DISK_FULL; the partial file and the folders it created are removed.',
  ),
  r(
    'CDVHD.DISP_E_EXCEPTION',
    'A task hit by an unexpected I/O error ends with Result DiskRelatedError (4) and Error DISP_E_EXCEPTION; the partial file and the folders it created are removed.',
  ),
  r(
    'CDVHD.shutdown.in-flight-finishes',
    'Work already started when shutdown begins is finished; only new calls get VM_E_APP_SHUTTING_DOWN.',
  ),
  r(
    'CDVHD.concurrent-same-path',
    'Two concurrent calls for the same imagePath: exactly one succeeds, the other gets E_ALREADY_EXISTS.',
  ),
];

/** What the child file holds. */
const CHILD: readonly Requirement[] = [
  r(
    'CHILD.footer.format',
    "Child footer: cookie 'conectix', features 0x2, version 0x00010000, data offset 512, saved state 0.",
  ),
  r(
    'CHILD.footer.timestamp',
    'Child footer timestamp is the host clock in seconds since 2000-01-01T00:00:00Z.',
  ),
  r(
    'CHILD.footer.creator',
    "Child footer creator application 'vs  ', creator version 0x00010000, creator host OS 'Wi2k'.",
  ),
  r('CHILD.footer.size', "Child original and current size equal the parent's current size."),
  r('CHILD.footer.geometry', "Child geometry equals the parent's geometry."),
  r('CHILD.footer.type', 'Child disk type is 4 (differencing).'),
  r(
    'CHILD.footer.unique-id',
    "Child UUID is fresh: it differs from the parent's and from every other child's.",
  ),
  r('CHILD.footer.checksum', 'Child footer checksum is valid.'),
  r('CHILD.footer.copy', 'A copy of the footer sits at offset 0.'),
  r(
    'CHILD.header.format',
    "Dynamic header: cookie 'cxsparse', data offset all ones, table offset 1536, version 0x00010000, valid checksum.",
  ),
  r('CHILD.header.block-size', "Block size equals the parent's (2 MiB for parents vskit creates)."),
  r('CHILD.header.max-table-entries', 'Max table entries is ceil(size / block size).'),
  r('CHILD.header.parent-uuid', "Header parent UUID equals the parent footer's UUID."),
  r(
    'CHILD.header.parent-timestamp',
    "Header parent timestamp is the parent file's modification time in VHD seconds.",
  ),
  r('CHILD.header.parent-name', "Header parent Unicode name is the parent's file name (UTF-16BE)."),
  r('CHILD.locator.w2ku', "Locator entry 0 is 'W2ku' holding the absolute parent path, UTF-16LE."),
  r(
    'CHILD.locator.w2ru',
    "Locator entry 1 is 'W2ru' holding the parent path relative to the child's folder ('.\\' or '..\\' prefix), UTF-16LE.",
  ),
  r(
    'CHILD.locator.w2ru-other-drive',
    "When the parent is on another drive the 'W2ru' locator is omitted.",
  ),
  r(
    'CHILD.locator.layout',
    'Locator data space is stored in bytes (a multiple of 512) and the data lies after the BAT, sector aligned.',
  ),
  r('CHILD.bat.empty', 'Every BAT entry is 0xFFFFFFFF: nothing is allocated.'),
  r(
    'CHILD.reads-as-parent',
    'The child, opened as a chain (vhd-format, and pyvhdi when installed), reads exactly as its parent.',
  ),
];

/** What dynamic and fixed images hold, and the size units. */
const IMAGES: readonly Requirement[] = [
  r(
    'CDYN.file',
    'A dynamic image: disk type 3, current size = sizeMB x 1,048,576, 2 MiB blocks, empty BAT, reads as zeros.',
  ),
  r(
    'CFIX.file',
    'A fixed image: disk type 2, file size = sizeMB x 1,048,576 + 512, footer at the end, reads as zeros.',
  ),
  r('UNITS.mb-is-mib', '"MB" means MiB: sizeMB x 1,048,576 bytes.'),
];

/** Windows path rules. */
const PATHS: readonly Requirement[] = [
  r(
    'PATH.absolute',
    'X:\\... (drive letter, colon, backslash) is absolute; the leading colon is valid.',
  ),
  r(
    'PATH.rooted-is-relative',
    "\\dir\\file.vhd is relative: it takes the other path's drive (decision).",
  ),
  r(
    'PATH.empty-is-relative',
    "The empty string is a relative path (it names the other path's folder).",
  ),
  r(
    'PATH.forward-slash',
    'A forward slash is an invalid character (E_INVALID_NAME), as documented.',
  ),
  r('PATH.control-characters', 'Control characters 0x00-0x1F are invalid (E_INVALID_NAME).'),
  r(
    'PATH.relative-to-other-folder',
    "A relative path is resolved against the folder that contains the other path's file.",
  ),
  r('PATH.dot-segments', '. and .. segments are normalised.'),
  r('PATH.dotdot-at-root', '.. never climbs above the drive root (decision).'),
  r('PATH.case-insensitive', 'Names compare case-insensitively and keep their case.'),
  r('PATH.non-ascii', 'Non-ASCII names are valid and kept as given.'),
  // "A drive letter with no host volume -> E_PATH_NOT_FOUND" is CDVHD/CDYN/CFIX.E_PATH_NOT_FOUND.*-volume.
];

/** IVMTask. */
const TASKS: readonly Requirement[] = [
  r(
    'TASK.percent',
    'PercentCompleted stays within 0..100, never decreases, and is 100 once IsComplete.',
  ),
  r(
    'TASK.success',
    'A successful task reports IsComplete true, Result Success (0) and Error S_OK.',
  ),
  r('TASK.wait.infinite', 'WaitForCompletion(-1) returns S_OK once the task is complete.'),
  r(
    'TASK.wait.bounded',
    'WaitForCompletion(0..4,000,000) returns S_OK whether or not the task completed (decision).',
  ),
  r('TASK.wait.bad-timeout', 'WaitForCompletion with any other timeout gives E_POINTER.'),
  r('TASK.cancel.complete', 'Cancel on a completed task gives E_FAIL.'),
  r(
    'TASK.cancel.running',
    'Cancel on a running cancelable task gives S_OK, Result Cancelled (1), and the partial file is removed.',
  ),
];

/** Opening a chain (checked through @vskit/vhd-format). */
const CHAINS: readonly Requirement[] = [
  r(
    'OPEN.locator-order',
    "A parent is looked for by W2ru (relative to the child's folder), then W2ku, then the Unicode name in the child's folder.",
  ),
  r(
    'OPEN.data-space-units',
    'Locator data space written in sectors or in bytes are both accepted.',
  ),
  r('OPEN.name-byte-order', 'Parent names in either UTF-16 byte order are accepted.'),
  r(
    'OPEN.uuid-mismatch',
    "A parent whose UUID differs from the child's recorded parent UUID is refused (PARENT_ID_MISMATCH).",
  ),
  r('OPEN.timestamp-warning', 'A parent timestamp difference is a warning, not an error.'),
  r('OPEN.depth-limit', 'Chains deeper than the limit are refused (CHAIN_TOO_DEEP).'),
  r('OPEN.cycle', 'A chain that leads back to one of its own layers is refused (CHAIN_CYCLE).'),
];

/**
 * IVMVirtualServer.GetHardDisk. SEMANTICS.md gives its HRESULTs only through the general rules
 * (null pointers, a drive with no volume, the chain rules); where it is silent the requirement
 * follows vs-api's documented decision and says so.
 */
const GET_HARD_DISK: readonly Requirement[] = [
  r('GHD.E_POINTER.path', 'GetHardDisk: a null or undefined path gives E_POINTER.'),
  r('GHD.E_POINTER.out', 'GetHardDisk: a null out-parameter gives E_POINTER.'),
  r(
    'GHD.E_FILE_NOT_FOUND',
    'GetHardDisk: no file at the path (its folder exists) gives E_FILE_NOT_FOUND; so does a folder at the path (decision, vs-api).',
  ),
  r(
    'GHD.E_PATH_NOT_FOUND',
    'GetHardDisk: a drive letter with no host volume, or a folder on the way that is missing or is a file, gives E_PATH_NOT_FOUND.',
  ),
  r(
    'GHD.E_BAD_PATHNAME',
    'GetHardDisk: an empty, relative or rooted (\\x) path gives E_BAD_PATHNAME: there is no other path to resolve it against (decision, vs-api).',
  ),
  r(
    'GHD.E_INVALID_NAME',
    'GetHardDisk: a path holding one of * ? : < > / | " or a control character gives E_INVALID_NAME.',
  ),
  r(
    'GHD.E_BUFFER_OVERFLOW',
    'GetHardDisk: a path of 260 characters or more gives E_BUFFER_OVERFLOW; a disk at a 259-character path opens.',
  ),
  r(
    'GHD.VM_E_HD_IMAGE_OPEN_FAIL',
    'GetHardDisk: an image, or a parent in its chain, that the host cannot open or read gives VM_E_HD_IMAGE_OPEN_FAIL (decision, vs-api).',
  ),
  r(
    'GHD.shutdown-does-not-refuse',
    'GetHardDisk still answers once the host application has begun shutting down: it changes nothing (decision, vs-api).',
  ),
  r(
    'GHD.VM_E_INVALID_HD_FILE',
    'GetHardDisk: a file that is not a structurally valid VHD gives VM_E_INVALID_HD_FILE (decision, vs-api).',
  ),
  r(
    'GHD.type',
    'GetHardDisk on a disk the subject created: Type is the VMHardDiskType (0 Dynamic, 1 FixedSize, 2 Differencing).',
  ),
  r(
    'GHD.size-in-guest',
    "GetHardDisk: SizeInGuest is the virtual size in bytes (sizeMB x 1,048,576; a differencing disk's is its parent's).",
  ),
  r(
    'GHD.file',
    'GetHardDisk: File is the absolute path of the image, normalised and in the case given (decision, vs-api).',
  ),
  r(
    'GHD.size-on-host',
    "GetHardDisk: SizeOnHost is the image file's size in bytes and HostFreeDiskSpace the bytes free on its volume, as the host reports them (decision, vs-api).",
  ),
  r(
    'GHD.parent.differencing',
    "GetHardDisk on a differencing disk: Parent is the parent's absolute path and get_Parent answers S_OK with the parent's IVMHardDisk, whose File is that path (a subject handing the path itself passes too).",
  ),
  r(
    'GHD.parent.none',
    'GetHardDisk on a dynamic or fixed disk: Parent is null and get_Parent answers S_FALSE.',
  ),
  r(
    'GHD.VM_E_PARENT_CHILD_ID_MISMATCH',
    'GetHardDisk: when the parent (or a grandparent) file is replaced by another VHD with a different UUID the call gives VM_E_PARENT_CHILD_ID_MISMATCH.',
  ),
  r(
    'GHD.VM_E_PARENT_PATH_NOT_FOUND',
    'GetHardDisk: a differencing disk whose parent no locator and no name finds gives VM_E_PARENT_PATH_NOT_FOUND (decision, vs-api).',
  ),
  r(
    'GHD.no-change',
    'GetHardDisk changes nothing on any volume (snapshot equal), whatever it answers.',
  ),
];

/** Opening a chain, through the subject's GetHardDisk. */
const CHAINS_SUBJECT: readonly Requirement[] = [
  r(
    'OPEN.locator-order.w2ru',
    "A chain moved to another folder (its W2ku stale) still opens: the parent is found by W2ru, relative to the child's folder.",
  ),
  r(
    'OPEN.locator-order.w2ku',
    'A child moved away from its parent (its W2ru stale) finds the parent by W2ku.',
  ),
  r(
    'OPEN.locator-order.name',
    "With both locators stale, the parent is found by its Unicode name in the child's folder.",
  ),
  r(
    'OPEN.locator-order.precedence',
    "When several candidates are files with the right UUID, W2ru wins over W2ku, and W2ku over the name in the child's folder.",
  ),
  r(
    'OPEN.locator-order.name-is-a-file-name',
    "The parent Unicode name is a file name looked up in the child's folder only: a name holding a folder (..\\p.vhd, \\A\\p.vhd) or a drive (D:\\x\\p.vhd) finds no parent elsewhere (VM_E_PARENT_PATH_NOT_FOUND, decision, vs-api).",
  ),
  r(
    'OPEN.data-space-units.subject',
    'GetHardDisk opens a child whose locator data space is written in sectors, and one written in bytes.',
  ),
  r(
    'OPEN.name-byte-order.subject',
    'GetHardDisk finds a parent by a Unicode name stored UTF-16LE as well as UTF-16BE.',
  ),
  r(
    'OPEN.depth-limit.subject',
    'GetHardDisk on a chain deeper than the depth limit (64 layers and more) answers an error, not a hang (vs-api: VM_E_INVALID_HD_FILE, decision); a chain of 8 opens.',
  ),
  r(
    'OPEN.cycle.subject',
    'GetHardDisk on a chain that leads back to one of its own layers (a child naming itself, or two naming each other) answers an error, not a hang (vs-api: VM_E_INVALID_HD_FILE, decision).',
  ),
  r(
    'OPEN.confined',
    'A locator may not lead outside the volumes the host exposes: a W2ku on a drive with no volume is not followed, a W2ru climbing .. stops at the drive root, and every path the subject hands the host is absolute, normalised and on an exposed volume.',
  ),
];

/**
 * The IVMHardDisk properties, read when asked (SEMANTICS.md "IVMHardDisk properties"): one id
 * per code each property can give, judged by the model (`surface-model.ts`) over a disk that
 * was read-only, in use, unreadable, deleted, replaced by a folder or junk, given a bad disk
 * type, or whose parent or grandparent went missing or was replaced.
 */
const DISK_PROPERTIES: readonly Requirement[] = [
  r(
    'HDP.E_POINTER',
    'Every IVMHardDisk get_X answers E_POINTER for a null out-parameter, before looking at the file.',
  ),
  r(
    'HDP.File.S_OK',
    'get_File answers S_OK and the normalised absolute path, without looking at the file (also once it is deleted).',
  ),
  r(
    'HDP.Type.E_FILE_NOT_FOUND',
    'get_Type: nothing, or a folder, at the path now gives E_FILE_NOT_FOUND.',
  ),
  r(
    'HDP.Type.VM_E_HD_IMAGE_OPEN_FAIL',
    'get_Type: a file the host cannot open (in use with no sharing, unreadable) gives VM_E_HD_IMAGE_OPEN_FAIL.',
  ),
  r(
    'HDP.Type.VM_E_DRIVE_INVALID',
    'get_Type: a footer whose disk type is none of fixed, dynamic, differencing gives VM_E_DRIVE_INVALID (decision).',
  ),
  r(
    'HDP.Type.VM_E_HD_IMAGE_ACCESS',
    'get_Type: a file that is not a valid VHD otherwise (or a damaged host-drive image) gives VM_E_HD_IMAGE_ACCESS.',
  ),
  r(
    'HDP.Type.S_OK',
    'get_Type reads the file now: Dynamic (0), FixedSize (1), Differencing (2), HostDrive (4); a read-only file or a missing parent changes nothing.',
  ),
  r(
    'HDP.SizeInGuest.E_FILE_NOT_FOUND',
    'get_SizeInGuest: nothing, or a folder, at the path gives E_FILE_NOT_FOUND.',
  ),
  r(
    'HDP.SizeInGuest.VM_E_HD_IMAGE_OPEN_FAIL',
    'get_SizeInGuest: a file the host cannot open gives VM_E_HD_IMAGE_OPEN_FAIL.',
  ),
  r(
    'HDP.SizeInGuest.VM_E_HD_IMAGE_ACCESS',
    'get_SizeInGuest: a file that is not a valid image (a bad disk type included) gives VM_E_HD_IMAGE_ACCESS.',
  ),
  r(
    'HDP.SizeInGuest.S_OK',
    "get_SizeInGuest: S_OK and the footer's current size, or the drive size a host-drive image recorded.",
  ),
  r(
    'HDP.SizeOnHost.E_FILE_NOT_FOUND',
    'get_SizeOnHost: nothing, or a folder, at the path gives E_FILE_NOT_FOUND.',
  ),
  r(
    'HDP.SizeOnHost.S_OK',
    "get_SizeOnHost: S_OK and the file's size; the file is not opened, so a disk in use or unreadable still answers.",
  ),
  r(
    'HDP.HostFreeDiskSpace.S_OK',
    "get_HostFreeDiskSpace: S_OK and the bytes free on the image's volume now, whatever the file's state.",
  ),
  r(
    'HDP.HostDriveIdentifier.E_FILE_NOT_FOUND',
    'get_HostDriveIdentifier: nothing, or a folder, at the path gives E_FILE_NOT_FOUND.',
  ),
  r(
    'HDP.HostDriveIdentifier.VM_E_HD_IMAGE_OPEN_FAIL',
    'get_HostDriveIdentifier: a file the host cannot open gives VM_E_HD_IMAGE_OPEN_FAIL.',
  ),
  r(
    'HDP.HostDriveIdentifier.VM_E_HD_IMAGE_ACCESS',
    'get_HostDriveIdentifier: a damaged host-drive image or VHD gives VM_E_HD_IMAGE_ACCESS, not S_FALSE.',
  ),
  r(
    'HDP.HostDriveIdentifier.S_FALSE',
    'get_HostDriveIdentifier: a VHD (not a host-drive image) gives S_FALSE and null.',
  ),
  r(
    'HDP.HostDriveIdentifier.VM_E_HOST_DRIVE_NOT_FOUND',
    'get_HostDriveIdentifier: a host-drive image whose drive the host does not have now gives VM_E_HOST_DRIVE_NOT_FOUND.',
  ),
  r(
    'HDP.HostDriveIdentifier.S_OK',
    'get_HostDriveIdentifier: S_OK and the identifier the image records (the host has it in any letter case).',
  ),
  r(
    'HDP.Parent.E_FILE_NOT_FOUND',
    'get_Parent: the disk itself gone, or no candidate of its parent a file, gives E_FILE_NOT_FOUND.',
  ),
  r(
    'HDP.Parent.VM_E_HD_IMAGE_OPEN_FAIL',
    'get_Parent: the disk or its parent in use with no sharing, or unreadable, gives VM_E_HD_IMAGE_OPEN_FAIL.',
  ),
  r(
    'HDP.Parent.VM_E_HD_IMAGE_ACCESS',
    'get_Parent: a disk that is not a valid image (a bad disk type included) gives VM_E_HD_IMAGE_ACCESS.',
  ),
  r(
    'HDP.Parent.S_FALSE',
    'get_Parent: a dynamic, fixed or host-drive disk gives S_FALSE and null.',
  ),
  r(
    'HDP.Parent.E_PATH_NOT_FOUND',
    "get_Parent: an ancestor further up missing (the parent's own chain broken) gives E_PATH_NOT_FOUND (decision).",
  ),
  r(
    'HDP.Parent.VM_E_PARENT_CHILD_ID_MISMATCH',
    'get_Parent: a parent replaced by another VHD gives VM_E_PARENT_CHILD_ID_MISMATCH.',
  ),
  r(
    'HDP.Parent.S_OK',
    "get_Parent: S_OK and the parent's IVMHardDisk, whose File is the parent's path.",
  ),
  r(
    'HDP.no-change',
    'No IVMHardDisk property changes anything on any volume, whatever it answers.',
  ),
];

/**
 * IVMHardDisk's Merge, MergeTo, Compact, Convert and put_Parent, as far as their faces answer
 * today: the null out-parameter (or parent) before anything else.
 */
const DISK_METHODS: readonly Requirement[] = [
  r(
    'MERGE.E_POINTER.task',
    'Merge: a null task out-parameter gives E_POINTER, before anything is looked at.',
  ),
  r(
    'MERGETO.E_POINTER.task',
    'MergeTo: a null task out-parameter gives E_POINTER, whatever the path and type given.',
  ),
  r(
    'COMPACT.E_POINTER.task',
    'Compact: a null task out-parameter gives E_POINTER, before anything is looked at.',
  ),
  r(
    'CONVERT.E_POINTER.task',
    'Convert: a null task out-parameter gives E_POINTER, whatever the path and type given.',
  ),
  r('PUTPARENT.E_POINTER', 'put_Parent: a null or undefined parent gives E_POINTER.'),
  r(
    'DISKOPS.no-change',
    'Merge, MergeTo, Compact, Convert and put_Parent refused with E_POINTER change nothing on any volume.',
  ),
];

/**
 * Merge, Compact, MergeTo and Convert in generated host states, against the surface model (their
 * check orders in SEMANTICS.md), and what an S_OK task leaves.
 */
const DISK_METHOD_MODEL: readonly Requirement[] = [
  r(
    'MERGE.S_OK',
    'Merge, in the model check order, gives S_OK and a task that ends Success when every check passes.',
  ),
  r(
    'MERGE.VM_E_APP_SHUTTING_DOWN',
    'Merge, in the model check order, gives VM_E_APP_SHUTTING_DOWN once the host has begun shutting down.',
  ),
  r(
    'MERGE.E_FILE_NOT_FOUND',
    'Merge, in the model check order, gives E_FILE_NOT_FOUND when the disk file was deleted since GetHardDisk.',
  ),
  r(
    'MERGE.E_SHARING_VIOLATION',
    'Merge, in the model check order, gives E_SHARING_VIOLATION when the disk (or an ancestor it opens) is held by a handle sharing nothing.',
  ),
  r(
    'MERGE.VM_E_WRONG_HD_IMAGE_TYPE',
    'Merge, in the model check order, gives VM_E_WRONG_HD_IMAGE_TYPE for a disk of a type it does not take (or a type value other than 0 and 1).',
  ),
  r(
    'MERGE.VM_E_FILE_READ_ONLY',
    'Merge, in the model check order, gives VM_E_FILE_READ_ONLY when a file it writes is read-only.',
  ),
  r(
    'MERGE.VM_E_PARENT_PATH_NOT_FOUND',
    'Merge, in the model check order, gives VM_E_PARENT_PATH_NOT_FOUND when no candidate of the parent is a file.',
  ),
  r(
    'MERGE.VM_E_PARENT_CHILD_ID_MISMATCH',
    'Merge, in the model check order, gives VM_E_PARENT_CHILD_ID_MISMATCH when the parent was replaced by a disk of another UUID.',
  ),
  r(
    'COMPACT.S_OK',
    'Compact, in the model check order, gives S_OK and a task that ends Success when every check passes.',
  ),
  r(
    'COMPACT.VM_E_APP_SHUTTING_DOWN',
    'Compact, in the model check order, gives VM_E_APP_SHUTTING_DOWN once the host has begun shutting down.',
  ),
  r(
    'COMPACT.E_FILE_NOT_FOUND',
    'Compact, in the model check order, gives E_FILE_NOT_FOUND when the disk file was deleted since GetHardDisk.',
  ),
  r(
    'COMPACT.E_SHARING_VIOLATION',
    'Compact, in the model check order, gives E_SHARING_VIOLATION when the disk (or an ancestor it opens) is held by a handle sharing nothing.',
  ),
  r(
    'COMPACT.VM_E_WRONG_HD_IMAGE_TYPE',
    'Compact, in the model check order, gives VM_E_WRONG_HD_IMAGE_TYPE for a disk of a type it does not take (or a type value other than 0 and 1).',
  ),
  r(
    'COMPACT.VM_E_FILE_READ_ONLY',
    'Compact, in the model check order, gives VM_E_FILE_READ_ONLY when a file it writes is read-only.',
  ),
  r(
    'MERGETO.S_OK',
    'MergeTo, in the model check order, gives S_OK and a task that ends Success when every check passes.',
  ),
  r(
    'MERGETO.VM_E_APP_SHUTTING_DOWN',
    'MergeTo, in the model check order, gives VM_E_APP_SHUTTING_DOWN once the host has begun shutting down.',
  ),
  r(
    'MERGETO.E_INVALID_NAME',
    'MergeTo, in the model check order, gives E_INVALID_NAME for a new path holding an invalid character, before the type is judged.',
  ),
  r(
    'MERGETO.E_BAD_PATHNAME',
    'MergeTo, in the model check order, gives E_BAD_PATHNAME for a relative new path, before the type is judged.',
  ),
  r(
    'MERGETO.VM_E_WRONG_HD_IMAGE_TYPE',
    'MergeTo, in the model check order, gives VM_E_WRONG_HD_IMAGE_TYPE for a disk of a type it does not take (or a type value other than 0 and 1).',
  ),
  r(
    'MERGETO.E_FILE_NOT_FOUND',
    'MergeTo, in the model check order, gives E_FILE_NOT_FOUND when the disk file was deleted since GetHardDisk.',
  ),
  r(
    'MERGETO.E_SHARING_VIOLATION',
    'MergeTo, in the model check order, gives E_SHARING_VIOLATION when the disk (or an ancestor it opens) is held by a handle sharing nothing.',
  ),
  r(
    'MERGETO.VM_E_PARENT_PATH_NOT_FOUND',
    'MergeTo, in the model check order, gives VM_E_PARENT_PATH_NOT_FOUND when no candidate of the parent is a file.',
  ),
  r(
    'MERGETO.VM_E_PARENT_CHILD_ID_MISMATCH',
    'MergeTo, in the model check order, gives VM_E_PARENT_CHILD_ID_MISMATCH when the parent was replaced by a disk of another UUID.',
  ),
  r(
    'MERGETO.E_PATH_NOT_FOUND',
    'MergeTo, in the model check order, gives E_PATH_NOT_FOUND for a new path on a drive with no volume, after the checks of the disk.',
  ),
  r(
    'MERGETO.E_ALREADY_EXISTS',
    'MergeTo, in the model check order, gives E_ALREADY_EXISTS when a file (this disk itself included) is at the new path.',
  ),
  r(
    'CONVERT.S_OK',
    'Convert, in the model check order, gives S_OK and a task that ends Success when every check passes.',
  ),
  r(
    'CONVERT.VM_E_APP_SHUTTING_DOWN',
    'Convert, in the model check order, gives VM_E_APP_SHUTTING_DOWN once the host has begun shutting down.',
  ),
  r(
    'CONVERT.E_INVALID_NAME',
    'Convert, in the model check order, gives E_INVALID_NAME for a new path holding an invalid character, before the type is judged.',
  ),
  r(
    'CONVERT.E_BAD_PATHNAME',
    'Convert, in the model check order, gives E_BAD_PATHNAME for a relative new path, before the type is judged.',
  ),
  r(
    'CONVERT.VM_E_WRONG_HD_IMAGE_TYPE',
    'Convert, in the model check order, gives VM_E_WRONG_HD_IMAGE_TYPE for a disk of a type it does not take (or a type value other than 0 and 1).',
  ),
  r(
    'CONVERT.E_FILE_NOT_FOUND',
    'Convert, in the model check order, gives E_FILE_NOT_FOUND when the disk file was deleted since GetHardDisk.',
  ),
  r(
    'CONVERT.E_SHARING_VIOLATION',
    'Convert, in the model check order, gives E_SHARING_VIOLATION when the disk (or an ancestor it opens) is held by a handle sharing nothing.',
  ),
  r(
    'CONVERT.VM_E_PARENT_PATH_NOT_FOUND',
    'Convert, in the model check order, gives VM_E_PARENT_PATH_NOT_FOUND when no candidate of the parent is a file.',
  ),
  r(
    'CONVERT.VM_E_PARENT_CHILD_ID_MISMATCH',
    'Convert, in the model check order, gives VM_E_PARENT_CHILD_ID_MISMATCH when the parent was replaced by a disk of another UUID.',
  ),
  r(
    'CONVERT.E_PATH_NOT_FOUND',
    'Convert, in the model check order, gives E_PATH_NOT_FOUND for a new path on a drive with no volume, after the checks of the disk.',
  ),
  r(
    'CONVERT.E_ALREADY_EXISTS',
    'Convert, in the model check order, gives E_ALREADY_EXISTS when a file (this disk itself included) is at the new path.',
  ),
  r(
    'PUTPARENT.S_OK',
    'put_Parent, in the model check order, gives S_OK when the disk is re-linked to its own parent, found where it is.',
  ),
  r(
    'PUTPARENT.VM_E_APP_SHUTTING_DOWN',
    'put_Parent, in the model check order, gives VM_E_APP_SHUTTING_DOWN once the host has begun shutting down.',
  ),
  r(
    'PUTPARENT.E_FILE_NOT_FOUND',
    'put_Parent, in the model check order, gives E_FILE_NOT_FOUND when the disk file, or the parent file, was deleted since GetHardDisk.',
  ),
  r(
    'PUTPARENT.E_SHARING_VIOLATION',
    'put_Parent, in the model check order, gives E_SHARING_VIOLATION when the disk or the parent is held by a handle sharing nothing.',
  ),
  r(
    'PUTPARENT.VM_E_WRONG_HD_IMAGE_TYPE',
    'put_Parent, in the model check order, gives VM_E_WRONG_HD_IMAGE_TYPE for a dynamic or fixed disk.',
  ),
  r(
    'PUTPARENT.VM_E_FILE_READ_ONLY',
    'put_Parent, in the model check order, gives VM_E_FILE_READ_ONLY when the disk is read-only.',
  ),
  r(
    'PUTPARENT.VM_E_PARENT_CHILD_ID_MISMATCH',
    'put_Parent, in the model check order, gives VM_E_PARENT_CHILD_ID_MISMATCH when the file at the parent path has another UUID (the UUID check).',
  ),
  r(
    'PUTPARENT.reads',
    'put_Parent: once it gives S_OK the chain from the disk reads, byte for byte, as before.',
  ),
  r(
    'MERGE.parent-reads',
    'Merge: once the task ends Success the parent alone reads, byte for byte, as the chain from the merged disk read before (the rest of a partly written block kept).',
  ),
  r(
    'COMPACT.reads',
    'Compact: once the task ends Success the disk reads, byte for byte, as before (no block holding data dropped).',
  ),
  r(
    'MERGETO.target-reads',
    'MergeTo: once the task ends Success the new image reads, byte for byte, as the source chain.',
  ),
  r(
    'CONVERT.target-reads',
    'Convert: once the task ends Success the new image reads, byte for byte, as the source (chain).',
  ),
  r(
    'MERGETO.sources-unchanged',
    'MergeTo: no file that was there before (this disk, its ancestors) changes; only the new image and its folders are added.',
  ),
  r(
    'CONVERT.sources-unchanged',
    'Convert: no file that was there before (this disk, its ancestors) changes; only the new image and its folders are added.',
  ),
  r(
    'DISKOPS.progress',
    'Merge, Compact, MergeTo and Convert tasks never read 100% before they are complete, and read 100% once complete.',
  ),
  r(
    'DISKOPS.refusal-no-change',
    'Merge, Compact, MergeTo, Convert and put_Parent refused by any check change nothing on any volume.',
  ),
];

/**
 * Merge, Compact, MergeTo, Convert and put_Parent on a disk or parent that is no valid VHD, is
 * damaged, flagged as saved state, resized or gone with its folder, and with the volume they
 * write nearly full or of a FAT file system (SEMANTICS.md's check orders; the rules of their own).
 */
const DISK_METHOD_STATES: readonly Requirement[] = [
  r(
    'MERGE.VM_E_HD_IMAGE_OPEN_FAIL',
    'Merge, in the model check order, gives VM_E_HD_IMAGE_OPEN_FAIL when the host refuses to open the disk or its parent (access denied), after E_SHARING_VIOLATION.',
  ),
  r(
    'MERGE.VM_E_INVALID_HD_FILE',
    'Merge, in the model check order, gives VM_E_INVALID_HD_FILE when the disk or its parent is no valid VHD or damaged (a footer checksum wrong), or the parent has another virtual size.',
  ),
  r(
    'MERGE.saved-state',
    "Merge, in the model check order, gives E_SHARING_VIOLATION when the disk's or its parent's footer has the saved-state flag set (after the type check of each).",
  ),
  r(
    'MERGE.full-volume',
    'Merge on a volume with 1 MiB free gives S_OK (free space is no check); its task ends Success when the parent need not grow, else DiskRelatedError with Error E_DISK_FULL, the chain reading as before.',
  ),
  r(
    'COMPACT.VM_E_HD_IMAGE_OPEN_FAIL',
    'Compact, in the model check order, gives VM_E_HD_IMAGE_OPEN_FAIL when the host refuses to open the disk (access denied), after E_SHARING_VIOLATION.',
  ),
  r(
    'COMPACT.VM_E_INVALID_HD_FILE',
    'Compact, in the model check order, gives VM_E_INVALID_HD_FILE when the disk is no valid VHD or damaged (a footer checksum wrong).',
  ),
  r(
    'COMPACT.saved-state',
    'Compact does not look at the saved-state flag: a flagged dynamic disk is compacted, S_OK and Success (decision).',
  ),
  r(
    'COMPACT.full-volume',
    'Compact on a volume with 1 MiB free gives S_OK and ends Success: it works in place and never grows the file (decision).',
  ),
  r(
    'MERGETO.VM_E_HD_IMAGE_OPEN_FAIL',
    'MergeTo, in the model check order, gives VM_E_HD_IMAGE_OPEN_FAIL when the host refuses to open the disk or an ancestor (access denied), after E_SHARING_VIOLATION.',
  ),
  r(
    'MERGETO.VM_E_INVALID_HD_FILE',
    'MergeTo, in the model check order, gives VM_E_INVALID_HD_FILE when the disk or an ancestor is no valid VHD or damaged (a footer checksum wrong).',
  ),
  r(
    'MERGETO.VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    "MergeTo, in the model check order, gives VM_E_FILE_TOO_LARGE_FOR_VOLUME when the new image outgrows its volume's largest file (FAT16 2 GiB, FAT32 4 GiB), after E_ALREADY_EXISTS.",
  ),
  r(
    'MERGETO.E_DISK_FULL',
    "MergeTo, in the model check order, gives E_DISK_FULL when the new image's volume has 1 MiB free, after VM_E_FILE_TOO_LARGE_FOR_VOLUME.",
  ),
  r(
    'MERGETO.saved-state',
    'MergeTo does not look at the saved-state flag of the disk or its ancestors: it only reads them, S_OK and Success (decision).',
  ),
  r(
    'CONVERT.VM_E_HD_IMAGE_OPEN_FAIL',
    'Convert, in the model check order, gives VM_E_HD_IMAGE_OPEN_FAIL when the host refuses to open the disk or an ancestor (access denied), after E_SHARING_VIOLATION.',
  ),
  r(
    'CONVERT.VM_E_INVALID_HD_FILE',
    'Convert, in the model check order, gives VM_E_INVALID_HD_FILE when the disk or an ancestor is no valid VHD or damaged (a footer checksum wrong).',
  ),
  r(
    'CONVERT.VM_E_FILE_TOO_LARGE_FOR_VOLUME',
    "Convert, in the model check order, gives VM_E_FILE_TOO_LARGE_FOR_VOLUME when the new image outgrows its volume's largest file (FAT16 2 GiB, FAT32 4 GiB), after E_ALREADY_EXISTS.",
  ),
  r(
    'CONVERT.E_DISK_FULL',
    "Convert, in the model check order, gives E_DISK_FULL when the new image's volume has 1 MiB free, after VM_E_FILE_TOO_LARGE_FOR_VOLUME.",
  ),
  r(
    'CONVERT.saved-state',
    'Convert does not look at the saved-state flag of the disk or its ancestors: it only reads them, S_OK and Success (decision).',
  ),
  r(
    'PUTPARENT.VM_E_HD_IMAGE_OPEN_FAIL',
    'put_Parent, in the model check order, gives VM_E_HD_IMAGE_OPEN_FAIL when the host refuses to open the disk or the parent given (access denied), after E_SHARING_VIOLATION.',
  ),
  r(
    'PUTPARENT.VM_E_HD_IMAGE_ACCESS',
    'put_Parent, in the model check order, gives VM_E_HD_IMAGE_ACCESS when the disk or the parent given is no valid VHD or damaged (a footer checksum wrong).',
  ),
  r(
    'PUTPARENT.E_PATH_NOT_FOUND',
    "put_Parent, in the model check order, gives E_PATH_NOT_FOUND when the parent's folder is gone (E_FILE_NOT_FOUND only when the folder is there).",
  ),
  r(
    'PUTPARENT.E_INVALIDARG',
    'put_Parent, in the model check order, gives E_INVALIDARG when the parent has the recorded UUID but another virtual size (resized since).',
  ),
  r(
    'PUTPARENT.saved-state',
    "put_Parent does not look at the saved-state flag of the disk or the parent: no sector of the disk's data changes, S_OK (decision).",
  ),
];

/** CreateFloppyDiskImage (no task) and GetFloppyDiskImageType, in their check orders. */
const FLOPPY: readonly Requirement[] = [
  r(
    'FLOPPY.E_POINTER',
    'CreateFloppyDiskImage: a null imagePath gives E_POINTER, before every other check.',
  ),
  r(
    'FLOPPY.E_INVALIDARG',
    'CreateFloppyDiskImage: an imageType other than LowDensity (1) or HighDensity (2) gives E_INVALIDARG, after E_POINTER.',
  ),
  r(
    'FLOPPY.shutdown-does-not-refuse',
    'CreateFloppyDiskImage still creates once the host application has begun shutting down (decision).',
  ),
  r(
    'FLOPPY.E_INVALID_NAME',
    'CreateFloppyDiskImage: an invalid character in imagePath gives E_INVALID_NAME.',
  ),
  r(
    'FLOPPY.E_BAD_PATHNAME',
    'CreateFloppyDiskImage: an empty or relative imagePath gives E_BAD_PATHNAME.',
  ),
  r(
    'FLOPPY.E_BUFFER_OVERFLOW',
    'CreateFloppyDiskImage: an imagePath of 260 characters or more gives E_BUFFER_OVERFLOW.',
  ),
  r(
    'FLOPPY.E_PATH_NOT_FOUND',
    'CreateFloppyDiskImage: no such volume, or a folder on the way is a file, gives E_PATH_NOT_FOUND.',
  ),
  r(
    'FLOPPY.E_ALREADY_EXISTS',
    'CreateFloppyDiskImage: a file or folder at imagePath gives E_ALREADY_EXISTS.',
  ),
  r(
    'FLOPPY.E_DISK_FULL',
    'CreateFloppyDiskImage: less free space than the image occupies in whole clusters gives E_DISK_FULL.',
  ),
  r(
    'FLOPPY.S_OK',
    'CreateFloppyDiskImage: S_OK once the image (737,280 or 1,474,560 bytes, missing folders made) is there; GetFloppyDiskImageType then gives the type asked for.',
  ),
  r('FLOPPY.no-change', 'A refused CreateFloppyDiskImage changes nothing on any volume.'),
  r(
    'FTYPE.E_POINTER',
    'GetFloppyDiskImageType: a null imagePath or out-parameter gives E_POINTER.',
  ),
  r('FTYPE.E_INVALID_NAME', 'GetFloppyDiskImageType: an invalid character gives E_INVALID_NAME.'),
  r(
    'FTYPE.E_BAD_PATHNAME',
    'GetFloppyDiskImageType: an empty or relative path gives E_BAD_PATHNAME.',
  ),
  r(
    'FTYPE.E_BUFFER_OVERFLOW',
    'GetFloppyDiskImageType: a path of 260 characters or more gives E_BUFFER_OVERFLOW.',
  ),
  r(
    'FTYPE.E_PATH_NOT_FOUND',
    'GetFloppyDiskImageType: no such volume, or a folder on the way missing or a file, gives E_PATH_NOT_FOUND.',
  ),
  r(
    'FTYPE.E_FILE_NOT_FOUND',
    'GetFloppyDiskImageType: nothing, or a folder, at the path gives E_FILE_NOT_FOUND.',
  ),
  r(
    'FTYPE.by-size',
    'GetFloppyDiskImageType tells the type by the size alone: 368,640 (4), 737,280 (1), 1,228,800 (5), 1,474,560 (2), 1,720,320 (3), 1,884,160 (6); read-only or in use alike.',
  ),
  r(
    'FTYPE.DISP_E_EXCEPTION',
    'GetFloppyDiskImageType: a file of any other size gives DISP_E_EXCEPTION.',
  ),
  r('FTYPE.no-change', 'GetFloppyDiskImageType changes nothing on any volume.'),
];

/** CreateHostDriveVirtualHardDisk and IVMHostInfo.HostDrives, over the host's drive configuration. */
const HOST_DRIVES: readonly Requirement[] = [
  r(
    'HDRV.E_POINTER',
    'CreateHostDriveVirtualHardDisk: a null imagePath, hostDriveIdentifier or task out-parameter gives E_POINTER.',
  ),
  r(
    'HDRV.E_INVALIDARG',
    'CreateHostDriveVirtualHardDisk: an identifier that is not a string or is longer than 128 units, or a mountReadOnly that is neither a boolean nor a number, gives E_INVALIDARG (after E_POINTER).',
  ),
  r(
    'HDRV.VM_E_APP_SHUTTING_DOWN',
    'CreateHostDriveVirtualHardDisk: once shutdown has begun, VM_E_APP_SHUTTING_DOWN.',
  ),
  r(
    'HDRV.E_INVALID_NAME',
    'CreateHostDriveVirtualHardDisk: an invalid character in imagePath gives E_INVALID_NAME.',
  ),
  r(
    'HDRV.E_BAD_PATHNAME',
    'CreateHostDriveVirtualHardDisk: an empty or relative imagePath gives E_BAD_PATHNAME.',
  ),
  r(
    'HDRV.E_BUFFER_OVERFLOW',
    'CreateHostDriveVirtualHardDisk: an imagePath of 260 characters or more gives E_BUFFER_OVERFLOW.',
  ),
  r(
    'HDRV.E_PATH_NOT_FOUND',
    'CreateHostDriveVirtualHardDisk: no such volume, or a folder on the way is a file, gives E_PATH_NOT_FOUND.',
  ),
  r(
    'HDRV.E_ALREADY_EXISTS',
    'CreateHostDriveVirtualHardDisk: a file or folder at imagePath gives E_ALREADY_EXISTS.',
  ),
  r(
    'HDRV.VM_E_HOST_DRIVE_NOT_FOUND',
    'CreateHostDriveVirtualHardDisk: an identifier the host has no drive of (compared case-insensitively; the empty string is none) gives VM_E_HOST_DRIVE_NOT_FOUND.',
  ),
  r(
    'HDRV.VM_E_IMAGE_SIZE_TOO_SMALL',
    'CreateHostDriveVirtualHardDisk: a drive smaller than 3 MB gives VM_E_IMAGE_SIZE_TOO_SMALL.',
  ),
  r(
    'HDRV.VM_E_IMAGE_SIZE_TOO_LARGE',
    'CreateHostDriveVirtualHardDisk: a drive of 2,088,960 MB or more gives VM_E_IMAGE_SIZE_TOO_LARGE.',
  ),
  r(
    'HDRV.E_DISK_FULL',
    "CreateHostDriveVirtualHardDisk: less than 8 MB free on the image's volume gives E_DISK_FULL.",
  ),
  r(
    'HDRV.S_OK',
    "CreateHostDriveVirtualHardDisk: S_OK and a task that succeeds; GetHardDisk then gives Type HostDrive (4), SizeInGuest the drive's size, and get_HostDriveIdentifier the host's spelling of the identifier.",
  ),
  r('HDRV.no-change', 'A refused CreateHostDriveVirtualHardDisk changes nothing on any volume.'),
  r(
    'HDRV.HostDrives',
    "get_HostInfo: S_OK and an IVMHostInfo whose HostDrives lists the host's drive identifiers (mounted ones too), in the host's order; E_POINTER for a null out-parameter.",
  ),
];

/** GetHardDiskFiles / GetFloppyDiskFiles / GetDVDFiles, SearchPaths and DefaultVMConfigurationPath. */
const SEARCH: readonly Requirement[] = [
  r(
    'SEARCH.E_POINTER',
    'GetHardDiskFiles, GetFloppyDiskFiles, GetDVDFiles: a null out-parameter gives E_POINTER.',
  ),
  r(
    'SEARCH.E_INVALIDARG',
    'GetHardDiskFiles, GetFloppyDiskFiles, GetDVDFiles: additional paths that are neither null nor an array of strings give E_INVALIDARG.',
  ),
  r(
    'SEARCH.files',
    "GetHardDiskFiles, GetFloppyDiskFiles, GetDVDFiles: every file below SearchPaths and the usable additional paths whose name ends in .vhd, .vfd or .iso (any case; not .vhdx, not a folder, not a creation's temporary file), each once, sorted case-insensitively; unusable additional paths skipped; nothing changes.",
  ),
  r(
    'SPATH.initial',
    'get_SearchPaths on a fresh host gives S_OK and []; E_POINTER for a null out-parameter.',
  ),
  r(
    'SPATH.E_INVALIDARG',
    'put_SearchPaths: anything but an array of strings (null too) gives E_INVALIDARG.',
  ),
  r(
    'SPATH.E_INVALID_NAME',
    'put_SearchPaths: the first failing path has an invalid character: E_INVALID_NAME.',
  ),
  r(
    'SPATH.E_BAD_PATHNAME',
    'put_SearchPaths: the first failing path is empty or relative: E_BAD_PATHNAME.',
  ),
  r(
    'SPATH.E_BUFFER_OVERFLOW',
    'put_SearchPaths: the first failing path has 260 characters or more: E_BUFFER_OVERFLOW.',
  ),
  r(
    'SPATH.E_PATH_NOT_FOUND',
    'put_SearchPaths: the first failing path has no volume, or a folder on the way missing or a file: E_PATH_NOT_FOUND.',
  ),
  r(
    'SPATH.E_FILE_NOT_FOUND',
    'put_SearchPaths: the first failing path names no folder (missing, or a file): E_FILE_NOT_FOUND.',
  ),
  r(
    'SPATH.S_OK',
    'put_SearchPaths: S_OK; get_SearchPaths then gives the paths normalised, each folder once in its first place; a refused put keeps the list as it was; nothing changes on any volume.',
  ),
  r(
    'DEFCFG.S_OK',
    'get_DefaultVMConfigurationPath gives the Shared Virtual Machines folder at first, and after a put the folder normalised with a trailing backslash; a refused put keeps it; nothing changes on any volume.',
  ),
  r(
    'DEFCFG.E_POINTER',
    'DefaultVMConfigurationPath: a null out-parameter (get) or a null path (put) gives E_POINTER.',
  ),
  r(
    'DEFCFG.E_INVALIDARG',
    'put_DefaultVMConfigurationPath: a path that is not a string gives E_INVALIDARG.',
  ),
  r(
    'DEFCFG.folder-checks',
    'put_DefaultVMConfigurationPath: the folder checks of put_SearchPaths, with their codes.',
  ),
];

/** Invariants of command sequences. */
const STATEFUL: readonly Requirement[] = [
  r(
    'STATE.ancestors-unchanged',
    'Across any sequence of creations, writes and reads, no ancestor of a chain ever changes.',
  ),
  r(
    'STATE.chain-reads',
    'Reading through the top of a chain gives exactly the bytes written through it, over the parent bytes.',
  ),
  r(
    'STATE.no-partial-file',
    'No failed or refused creation leaves a file or folder behind (a temporary file, ~*.tmp, that a power cut left is tolerated until it goes).',
  ),
  r(
    'STATE.free-space-exact',
    'Free space changes by exactly the clusters the created or grown files occupy.',
  ),
  r(
    'STATE.power-cut',
    'A power cut at any write, sync or truncate of a creation, Merge, MergeTo, Convert, Compact or put_Parent leaves every chain reading, once restarted, as before the operation or as after it: a new image absent or whole, no other ancestor changed, a merge target changed at merged sectors only, nothing left but a temporary file (~*.tmp).',
  ),
];

/** Codec laws and corruptions (checked through @vskit/vhd-format). */
const CODEC: readonly Requirement[] = [
  r(
    'CODEC.footer.round-trip',
    'decodeFooter(encodeFooter(f)) equals f; encode(decode(b)) equals b.',
  ),
  r('CODEC.header.round-trip', 'Dynamic headers round-trip byte for byte.'),
  r('CODEC.footer.bad-cookie', 'A footer with a changed cookie gives BAD_COOKIE.'),
  r('CODEC.footer.bad-checksum', 'A footer with any other single byte changed gives BAD_CHECKSUM.'),
  r('CODEC.footer.truncated', 'A footer shorter than 512 bytes gives TRUNCATED.'),
  r('CODEC.header.bad-cookie', 'A dynamic header with a changed cookie gives BAD_HEADER_COOKIE.'),
  r(
    'CODEC.header.bad-checksum',
    'A dynamic header with another single byte changed gives BAD_CHECKSUM.',
  ),
  r(
    'CODEC.geometry',
    'geometryForSize gives a CHS geometry whose capacity never exceeds the size and stays within 65535/16/255.',
  ),
  r('CODEC.timestamp', 'VHD timestamps round-trip through dates at one-second resolution.'),
];

/** Every requirement, in report order. */
export const CATALOGUE: readonly Requirement[] = [
  ...methodRequirements('CreateDifferencingVirtualHardDisk'),
  ...DIFF_EXTRA,
  ...CHILD,
  ...methodRequirements('CreateDynamicVirtualHardDisk'),
  ...methodRequirements('CreateFixedVirtualHardDisk'),
  ...IMAGES,
  ...PATHS,
  ...TASKS,
  ...CHAINS,
  ...CHAINS_SUBJECT,
  ...GET_HARD_DISK,
  ...DISK_PROPERTIES,
  ...DISK_METHODS,
  ...DISK_METHOD_MODEL,
  ...DISK_METHOD_STATES,
  ...FLOPPY,
  ...HOST_DRIVES,
  ...SEARCH,
  ...STATEFUL,
  ...CODEC,
];

const BY_ID = new Map(CATALOGUE.map((requirement) => [requirement.id, requirement]));

/** The requirement with this id, or `undefined`. */
export function requirement(id: string): Requirement | undefined {
  return BY_ID.get(id);
}
