import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Every place a secret could be found in a database file: each column of each
 * table (text and blobs), and the raw bytes of the file and its WAL.
 */
export function secretsInDatabase(file: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>) {
        for (const [column, value] of Object.entries(row)) {
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
          for (const secret of secrets) if (text.includes(secret)) found.push(`${name}.${column}: ${secret}`);
        }
      }
    }
  } finally {
    db.close();
  }
  for (const part of [file, `${file}-wal`]) {
    if (!existsSync(part)) continue;
    const bytes = readFileSync(part);
    for (const secret of secrets) if (bytes.includes(secret)) found.push(`${path.basename(part)} bytes: ${secret}`);
  }
  return found;
}
