/**
 * What the desk needs from a store, declared here and implemented in store/
 * (store/disclosure-store.ts); the front end opens it and hands it over.
 * Every write is one transaction: a run that fails half-way leaves what was
 * stored before.
 */
import type { AdvisoryObservation, DeskAdvisory, ManualAcknowledgement } from './types.js';

export interface DisclosureStore {
  /** Appends what one run saw (one row per advisory per run). */
  recordObservations(observations: readonly AdvisoryObservation[]): void;
  /** Every observation of these advisories, oldest first per advisory. */
  observations(advisoryIds: readonly string[]): Map<string, AdvisoryObservation[]>;

  /** Reports that arrived by e-mail, recorded with `advisories add` (replaces a record with the same id). */
  saveManualAdvisory(advisory: DeskAdvisory): void;
  manualAdvisories(): DeskAdvisory[];

  recordAcknowledgement(acknowledgement: ManualAcknowledgement): void;
  acknowledgements(advisoryIds: readonly string[]): Map<string, ManualAcknowledgement>;

  /**
   * Deduplication of reminders and watch notifications: the keys among
   * `keys` already sent on `day` (`YYYY-MM-DD`), or ever when `day` is null.
   */
  sentKeys(keys: readonly string[], day: string | null): Set<string>;
  /** Marks keys as sent on `day`, after the notifier succeeded. */
  markSent(keys: readonly string[], day: string, channel: string): void;
}
