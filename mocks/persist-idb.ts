/**
 * One IndexedDB object store of named records, for the in-page mock's saved state. IndexedDB
 * rather than localStorage: it stores structured-clonable values as they are (Maps, CryptoKeys —
 * the signing key stays unextractable), has no 5 MB string limit, and writes off the main thread.
 */

/** The database the in-page mock keeps its state in (one record per `persist.key`). */
export const MOCK_DATABASE = 'portcullis-mock'
const STORE = 'state'

export interface RecordStore {
  get(key: string): Promise<unknown>
  /** Clones `value` synchronously (IndexedDB's structured clone) and resolves once the write committed. */
  put(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
  close(): void
}

const settle = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
  })

const committed = (transaction: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve()
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB write failed'))
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB write aborted'))
  })

export async function openRecordStore(name = MOCK_DATABASE): Promise<RecordStore> {
  const opening = indexedDB.open(name, 1)
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE)
  const db = await settle(opening)
  // Another tab deleting or upgrading the database must not wait on this one.
  db.onversionchange = () => db.close()
  const write = (run: (store: IDBObjectStore) => void): Promise<void> => {
    const transaction = db.transaction(STORE, 'readwrite', { durability: 'relaxed' })
    run(transaction.objectStore(STORE))
    const done = committed(transaction)
    // Commit now rather than when the task ends: a write started by `pagehide` must not wait for a page that is going.
    transaction.commit()
    return done
  }
  return {
    get: (key) => settle(db.transaction(STORE, 'readonly').objectStore(STORE).get(key)),
    put: (key, value) => write((store) => store.put(value, key)),
    delete: (key) => write((store) => store.delete(key)),
    close: () => db.close(),
  }
}
