import { DevnetError } from '../errors.js';

/** The system cannot be read the way devnet needs (no /proc, no lsof or ps). */
export class PlatformError extends DevnetError {}
