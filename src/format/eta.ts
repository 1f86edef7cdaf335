/** The progress lines' time-left estimate (shared with the CLI, which imports it from the logic). */
export { EtaClock, FINISHING_MS, type EtaSample } from '../../workers/logic/io/eta.ts';
