/**
 * Time left in a stage of known size, as a progress line shows it: the rate-based estimate
 * (what is left at the average rate so far), smoothed so that it only counts down. The clock keeps a deadline,
 * the earliest `now + estimate` seen in the stage; what is shown is the time to that deadline. So the figure
 * falls with the wall clock between reports, a fast stretch brings it nearer, and a slow stretch never pushes it
 * back (it sits at "finishing" once the deadline has passed). A new stage (another name or file) starts afresh.
 */
export interface EtaSample {
  /** Names the stage (and file): a different key starts a new estimate. */
  key: string;
  done: number;
  total: number;
  /** When the stage started and now, in ms on one clock (performance.now()). */
  startedAt: number;
  now: number;
}

export class EtaClock {
  private key = '';
  private deadline = Infinity;

  /** Milliseconds left (never more than the last answer less the time since), or null while unknown. */
  update(s: EtaSample): number | null {
    if (s.key !== this.key) {
      this.key = s.key;
      this.deadline = Infinity;
    }
    const elapsed = s.now - s.startedAt;
    if (s.total > 0 && s.done >= s.total) this.deadline = Math.min(this.deadline, s.now);
    else if (s.done > 0 && s.total > s.done && elapsed > 0) this.deadline = Math.min(this.deadline, s.now + ((s.total - s.done) * elapsed) / s.done);
    return Number.isFinite(this.deadline) ? Math.max(0, this.deadline - s.now) : null;
  }
}

/** Below this many ms left the line says "finishing" rather than a figure that would sit at 0. */
export const FINISHING_MS = 100;
