import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import type { DisclosureStore } from '../disclosure/store.js';
import type { AdvisoryObservation, DeskAdvisory, ManualAcknowledgement } from '../disclosure/types.js';
import { openDatabase, type DatabaseSchema, type OpenDatabaseOptions, type StoreDatabase } from './open-database.js';

/**
 * The disclosure desk's memory (src/disclosure/store.ts): what each run saw
 * of each advisory and when, reports recorded by hand, acknowledgements, and
 * which reminders and watch notifications were sent on which day. Every
 * write is one transaction: a write that fails half-way leaves what was
 * stored before.
 *
 * Tables (schema version 1, in `PRAGMA user_version`):
 *   observations(advisory_id, observed_at, state, updated_at)    one row per advisory per run
 *   manual_advisories(id, json)                                   DeskAdvisory JSON of `advisories add`
 *   acknowledgements(advisory_id, at, acknowledged_by, note)      `advisories ack`; the earliest counts
 *   sent(key, day, channel)                                       deduplication of reminders and watch digests
 *
 * Its own file, in the user data directory rather than the cache: unlike the
 * caches it cannot be downloaded again (it alone knows when an advisory left
 * triage, and what was already sent). A new file is created readable by its
 * owner only (0600, its folder 0700 when created here): manual records hold
 * the summaries of reports that are still embargoed.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE observations (
    advisory_id TEXT NOT NULL CHECK (advisory_id <> ''),
    observed_at TEXT NOT NULL CHECK (observed_at <> ''),
    state TEXT NOT NULL CHECK (state IN ('triage', 'draft', 'published', 'closed', 'withdrawn')),
    updated_at TEXT NOT NULL CHECK (updated_at <> ''),
    PRIMARY KEY (advisory_id, observed_at)
  ) WITHOUT ROWID;
  CREATE TABLE manual_advisories (
    id TEXT PRIMARY KEY CHECK (id <> ''),
    json TEXT NOT NULL CHECK (json_valid(json))
  ) WITHOUT ROWID;
  CREATE TABLE acknowledgements (
    advisory_id TEXT NOT NULL CHECK (advisory_id <> ''),
    at TEXT NOT NULL CHECK (at <> ''),
    acknowledged_by TEXT,
    note TEXT,
    PRIMARY KEY (advisory_id, at)
  ) WITHOUT ROWID;
  CREATE TABLE sent (
    key TEXT NOT NULL CHECK (key <> ''),
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    channel TEXT NOT NULL,
    PRIMARY KEY (key, day, channel)
  ) WITHOUT ROWID;
  CREATE INDEX sent_by_day ON sent (day, key);
  `,
];

const SCHEMA: DatabaseSchema = {
  name: 'disclosure store',
  migrations: MIGRATIONS,
  advice: { newer: 'it was written by a newer chainwatch; use that one', notWritable: 'the desk records what each run saw; run it as the user who owns the file' },
};

export interface SqliteDisclosureStore extends DisclosureStore {
  readonly path: string;
  close(): void;
}

/** `$CHAINWATCH_DISCLOSURE_DB`, else `disclosure.sqlite` in the user data directory (Linux `~/.local/share/chainwatch/`, macOS `~/Library/Application Support/chainwatch/`). */
export function defaultDisclosureStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHAINWATCH_DISCLOSURE_DB?.trim();
  if (override) return override;
  return path.join(envPaths('chainwatch', { suffix: '' }).data, 'disclosure.sqlite');
}

export function openDisclosureStore(databasePath: string | ':memory:', options: OpenDatabaseOptions = {}): SqliteDisclosureStore {
  if (databasePath !== ':memory:' && !options.readonly && !existsSync(databasePath)) createPrivately(databasePath);
  return createDisclosureStore(openDatabase(databasePath, SCHEMA, options));
}

/** An empty file (SQLite takes it as a new database) that only its owner may read, in a folder only its owner may enter when the folder is new. */
function createPrivately(databasePath: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(databasePath)), { recursive: true, mode: 0o700 });
    closeSync(openSync(databasePath, 'wx', 0o600));
  } catch {
    // openDatabase says what is wrong with the path, in its words.
  }
}

/** ISO times by the instant they name (`…:00.500Z` after `…:00Z`, offsets applied), then as text. */
function byTime(a: string, b: string): number {
  const difference = (Date.parse(a) || 0) - (Date.parse(b) || 0);
  return difference !== 0 ? difference : a < b ? -1 : a > b ? 1 : 0;
}

function createDisclosureStore(database: StoreDatabase): SqliteDisclosureStore {
  const { db, guard } = database;
  const insertObservation = db.prepare(
    'INSERT INTO observations (advisory_id, observed_at, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (advisory_id, observed_at) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
  );
  const selectObservations = db.prepare<[string], { advisory_id: string; observed_at: string; state: string; updated_at: string }>(
    'SELECT advisory_id, observed_at, state, updated_at FROM observations WHERE advisory_id IN (SELECT value FROM json_each(?)) ORDER BY advisory_id, observed_at',
  );
  const upsertManual = db.prepare('INSERT INTO manual_advisories (id, json) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json');
  const selectManual = db.prepare<[], { json: string }>('SELECT json FROM manual_advisories ORDER BY id');
  const insertAcknowledgement = db.prepare(
    'INSERT INTO acknowledgements (advisory_id, at, acknowledged_by, note) VALUES (?, ?, ?, ?) ON CONFLICT (advisory_id, at) DO UPDATE SET acknowledged_by = excluded.acknowledged_by, note = excluded.note',
  );
  const selectAcknowledgements = db.prepare<[string], { advisory_id: string; at: string; acknowledged_by: string | null; note: string | null }>(
    'SELECT advisory_id, at, acknowledged_by, note FROM acknowledgements WHERE advisory_id IN (SELECT value FROM json_each(?)) ORDER BY advisory_id, at',
  );
  const selectSentOn = db.prepare<[string, string], { key: string }>('SELECT DISTINCT key FROM sent WHERE day = ? AND key IN (SELECT value FROM json_each(?))');
  const selectSentEver = db.prepare<[string], { key: string }>('SELECT DISTINCT key FROM sent WHERE key IN (SELECT value FROM json_each(?))');
  // ON CONFLICT, not OR IGNORE: OR IGNORE would also skip rows that break a CHECK, without a word.
  const insertSent = db.prepare('INSERT INTO sent (key, day, channel) VALUES (?, ?, ?) ON CONFLICT (key, day, channel) DO NOTHING');

  return {
    path: database.path,

    recordObservations(observations) {
      guard('recording observations', () =>
        db.transaction(() => {
          for (const observation of observations) insertObservation.run(observation.advisoryId, observation.observedAt, observation.state, observation.updatedAt);
        })(),
      );
    },

    observations(advisoryIds) {
      return guard('reading observations', () => {
        const found = new Map<string, AdvisoryObservation[]>();
        if (advisoryIds.length === 0) return found;
        for (const row of selectObservations.all(JSON.stringify(advisoryIds))) {
          const list = found.get(row.advisory_id) ?? [];
          list.push({ advisoryId: row.advisory_id, observedAt: row.observed_at, state: row.state as AdvisoryObservation['state'], updatedAt: row.updated_at });
          found.set(row.advisory_id, list);
        }
        for (const list of found.values()) list.sort((a, b) => byTime(a.observedAt, b.observedAt));
        return found;
      });
    },

    saveManualAdvisory(advisory) {
      guard('saving a manual advisory', () => db.transaction(() => upsertManual.run(advisory.id, JSON.stringify(advisory)))());
    },

    manualAdvisories() {
      return guard('reading manual advisories', () => selectManual.all().map((row) => JSON.parse(row.json) as DeskAdvisory));
    },

    recordAcknowledgement(acknowledgement) {
      guard('recording an acknowledgement', () =>
        db.transaction(() => insertAcknowledgement.run(acknowledgement.advisoryId, acknowledgement.at, acknowledgement.by, acknowledgement.note))(),
      );
    },

    acknowledgements(advisoryIds) {
      return guard('reading acknowledgements', () => {
        const found = new Map<string, ManualAcknowledgement>();
        if (advisoryIds.length === 0) return found;
        // The earliest acknowledgement is the one the clock counts.
        for (const row of selectAcknowledgements.all(JSON.stringify(advisoryIds))) {
          const earlier = found.get(row.advisory_id);
          if (!earlier || byTime(row.at, earlier.at) < 0) found.set(row.advisory_id, { advisoryId: row.advisory_id, at: row.at, by: row.acknowledged_by, note: row.note });
        }
        return found;
      });
    },

    sentKeys(keys, day) {
      return guard('reading sent notifications', () => {
        if (keys.length === 0) return new Set<string>();
        const rows = day === null ? selectSentEver.all(JSON.stringify(keys)) : selectSentOn.all(day, JSON.stringify(keys));
        return new Set(rows.map((row) => row.key));
      });
    },

    markSent(keys, day, channel) {
      guard('recording sent notifications', () =>
        db.transaction(() => {
          for (const key of keys) insertSent.run(key, day, channel);
        })(),
      );
    },

    close: () => database.close(),
  };
}
