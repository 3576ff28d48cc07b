// Where `trainWithStore` keeps a run's checkpoints when there is no file system: a small
// key-value interface (run name, step → the bytes of one stored checkpoint), in memory or in
// IndexedDB. Browser-safe: no Node module.
import { TrainerConfigError, TrainerError } from './errors.js';

/**
 * A place for checkpoints, by run name and step. Each value is the bytes of one stored checkpoint
 * (`encodeStoredCheckpoint`: a safetensors file). `put` is all or nothing: a reader sees the old
 * bytes or the new ones, never a part (a tab closed mid-save keeps the previous checkpoint).
 */
export interface CheckpointStore {
  /** The steps of `run`'s checkpoints, ascending. */
  steps(run: string): Promise<number[]>;
  /** The bytes of checkpoint `step` of `run`, or null when there is none. */
  get(run: string, step: number): Promise<Uint8Array | null>;
  /** Store (or replace) checkpoint `step` of `run`. */
  put(run: string, step: number, bytes: Uint8Array): Promise<void>;
  /** Remove checkpoint `step` of `run` (nothing happens when there is none). */
  delete(run: string, step: number): Promise<void>;
}

/** `run` and `step` checked: a non-empty run name and a step that is an integer >= 0. */
export function checkStoreKey(run: unknown, step?: unknown): void {
  if (typeof run !== 'string' || run.length === 0)
    throw new TrainerConfigError('a checkpoint store run name must be a non-empty string', {
      option: 'run',
      value: run,
    });
  if (step !== undefined && !(Number.isSafeInteger(step) && (step as number) >= 0))
    throw new TrainerConfigError('a checkpoint step must be an integer >= 0', {
      option: 'step',
      value: step,
    });
}

/** A store in memory (tests; or a page that only wants `loadBestModelAtEnd`). Bytes are copied in and out. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly runs = new Map<string, Map<number, Uint8Array>>();

  async steps(run: string): Promise<number[]> {
    checkStoreKey(run);
    return [...(this.runs.get(run)?.keys() ?? [])].sort((a, b) => a - b);
  }

  async get(run: string, step: number): Promise<Uint8Array | null> {
    checkStoreKey(run, step);
    const bytes = this.runs.get(run)?.get(step);
    return bytes ? bytes.slice() : null;
  }

  async put(run: string, step: number, bytes: Uint8Array): Promise<void> {
    checkStoreKey(run, step);
    if (!(bytes instanceof Uint8Array))
      throw new TrainerConfigError('a stored checkpoint must be a Uint8Array', { option: 'bytes' });
    let steps = this.runs.get(run);
    if (!steps) this.runs.set(run, (steps = new Map()));
    steps.set(step, bytes.slice());
  }

  async delete(run: string, step: number): Promise<void> {
    checkStoreKey(run, step);
    this.runs.get(run)?.delete(step);
  }
}

/** Options of {@link IndexedDbCheckpointStore.open}. */
export interface IndexedDbStoreOptions {
  /** The database's name (default `selfevo-checkpoints`). */
  name?: string;
  /** The IndexedDB to use (default `globalThis.indexedDB`; e.g. `fake-indexeddb` in Node). */
  indexedDB?: IDBFactory;
}

const OBJECT_STORE = 'checkpoints';
const DB_VERSION = 1;

/** A request's result as a promise. */
function result<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when `tx` has committed (after its requests), rejects when it aborts. */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * A store in the browser's IndexedDB: one object store, keyed `[run, step]`, each checkpoint
 * written in one read-write transaction (strict durability where supported), so a page reload or
 * a closed tab mid-save keeps the previous checkpoint. Survives reloads; subject to the origin's
 * storage quota (a failed write is a `TrainerError` naming the checkpoint, with the cause).
 */
export class IndexedDbCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly db: IDBDatabase,
    readonly name: string,
  ) {
    // another tab upgrading the database: let it, this connection closes
    db.onversionchange = () => db.close();
  }

  /** Open (creating if needed) the database `opts.name`. */
  static async open(opts: IndexedDbStoreOptions = {}): Promise<IndexedDbCheckpointStore> {
    const name = opts.name ?? 'selfevo-checkpoints';
    const factory = opts.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (!factory)
      throw new TrainerConfigError(
        'IndexedDB is not available here; pass opts.indexedDB, or use MemoryCheckpointStore',
        { option: 'indexedDB' },
      );
    const req = factory.open(name, DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(OBJECT_STORE)) req.result.createObjectStore(OBJECT_STORE);
    };
    const blocked = new Promise<never>((_, reject) => {
      req.onblocked = () =>
        reject(new TrainerError(`IndexedDB ${name}: blocked by another open connection (close other tabs)`));
    });
    const db = await Promise.race([result(req), blocked]);
    return new IndexedDbCheckpointStore(db, name);
  }

  private tx(mode: IDBTransactionMode): { tx: IDBTransaction; os: IDBObjectStore } {
    const tx =
      mode === 'readwrite'
        ? this.db.transaction(OBJECT_STORE, mode, { durability: 'strict' })
        : this.db.transaction(OBJECT_STORE, mode);
    return { tx, os: tx.objectStore(OBJECT_STORE) };
  }

  async steps(run: string): Promise<number[]> {
    checkStoreKey(run);
    const { os } = this.tx('readonly');
    // (every key, not a key range: IDBKeyRange is a global the page has but an injected factory may not)
    const keys = (await result(os.getAllKeys())) as [string, number][];
    return keys
      .filter((k) => k[0] === run)
      .map((k) => k[1])
      .sort((a, b) => a - b);
  }

  async get(run: string, step: number): Promise<Uint8Array | null> {
    checkStoreKey(run, step);
    const { os } = this.tx('readonly');
    const value: unknown = await result(os.get([run, step]));
    if (value === undefined) return null;
    if (!(value instanceof Uint8Array))
      throw new TrainerError(`IndexedDB ${this.name}: ${run}/checkpoint-${step} is not a byte array`);
    return value;
  }

  async put(run: string, step: number, bytes: Uint8Array): Promise<void> {
    checkStoreKey(run, step);
    if (!(bytes instanceof Uint8Array))
      throw new TrainerConfigError('a stored checkpoint must be a Uint8Array', { option: 'bytes' });
    const { tx, os } = this.tx('readwrite');
    const done = committed(tx);
    done.catch(() => {}); // (awaited below; a put that throws at once aborts the transaction)
    try {
      os.put(bytes, [run, step]);
      await done;
    } catch (err) {
      const e = err as Error | null;
      throw new TrainerError(
        `IndexedDB ${this.name}: cannot store ${run}/checkpoint-${step} (${bytes.byteLength} bytes): ` +
          `${e?.name ?? 'Error'}: ${e?.message ?? 'unknown'}`,
        { cause: err },
      );
    }
  }

  async delete(run: string, step: number): Promise<void> {
    checkStoreKey(run, step);
    const { tx, os } = this.tx('readwrite');
    const done = committed(tx);
    os.delete([run, step]);
    await done;
  }

  /** Close the connection (the data stays). */
  close(): void {
    this.db.close();
  }
}
