import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { DomainError } from '../../lib/errors.ts';

/**
 * Limits for a workbook, checked before exceljs reads it: an XLSX is a zip, and 300 KB of zip
 * can inflate to gigabytes (one huge cell, or a huge sharedStrings part that exceljs caches).
 * Generous for a member file of a million rows, far below what would hurt a 2-core box.
 */
export const WORKBOOK_LIMITS = {
  entries: 2000,
  totalBytes: 512 * 1024 * 1024,
  /** exceljs keeps the shared strings in memory */
  sharedStringsBytes: 64 * 1024 * 1024,
  /** text between two XML tags: one cell holds at most 32,767 characters in Excel */
  textRunBytes: 128 * 1024,
};

const tooComplex = () => new DomainError('import.file_too_complex', { field: 'file' });
/** a broken zip is no workbook at all */
const notAWorkbook = () => new DomainError('import.file_type', { field: 'file' });

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Reads the zip's central directory (the uncompressed sizes it declares must fit the limits),
 * then inflates every part once, discarding the output, so a part that lies about its size or
 * hides a huge cell is refused too. Memory stays flat: one chunk at a time.
 */
export async function checkWorkbook(path: string, limits = WORKBOOK_LIMITS): Promise<void> {
  const entries = await readCentralDirectory(path, limits);
  let declared = 0;
  for (const e of entries) {
    declared += e.size;
    if (declared > limits.totalBytes) throw tooComplex();
    if (isSharedStrings(e.name) && e.size > limits.sharedStringsBytes) throw tooComplex();
  }
  for (const e of entries) await inflateEntry(path, e, limits);
}

const isSharedStrings = (name: string) => /sharedstrings/i.test(name);

async function readCentralDirectory(path: string, limits = WORKBOOK_LIMITS): Promise<ZipEntry[]> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) throw notAWorkbook();
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    // zip64 (0xffff / 0xffffffff markers) is never needed for a member file
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw tooComplex();
    if (count > limits.entries) throw tooComplex();
    if (cdOffset + cdSize > size) throw notAWorkbook();
    const cd = Buffer.alloc(cdSize);
    await file.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) throw notAWorkbook();
      const nameLength = cd.readUInt16LE(at + 28);
      const skip = nameLength + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32);
      entries.push({
        name: cd.toString('utf8', at + 46, at + 46 + nameLength),
        method: cd.readUInt16LE(at + 10),
        compressedSize: cd.readUInt32LE(at + 20),
        size: cd.readUInt32LE(at + 24),
        localOffset: cd.readUInt32LE(at + 42),
      });
      at += 46 + skip;
    }
    for (const e of entries) e.localOffset = await dataOffset(file, e, size);
    return entries;
  } finally {
    await file.close();
  }
}

/** Where an entry's data starts: after its local header, whose name and extra lengths vary. */
async function dataOffset(
  file: Awaited<ReturnType<typeof open>>,
  entry: ZipEntry,
  size: number,
): Promise<number> {
  const header = Buffer.alloc(30);
  await file.read(header, 0, 30, entry.localOffset);
  if (header.readUInt32LE(0) !== 0x04034b50) throw notAWorkbook();
  const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > size) throw notAWorkbook();
  return start;
}

async function inflateEntry(path: string, entry: ZipEntry, limits = WORKBOOK_LIMITS) {
  if (entry.method !== 0 && entry.method !== 8) throw notAWorkbook();
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(path, {
    start: entry.localOffset,
    end: entry.localOffset + entry.compressedSize - 1,
  });
  const stream = entry.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  const cap = Math.min(entry.size, limits.totalBytes);
  // media parts (a logo) are binary: only XML has cells
  const xml = /\.(xml|rels)$/i.test(entry.name);
  let inflated = 0;
  let run = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      inflated += chunk.length;
      // more than the directory declared: a lying part is as bad as a big one
      if (inflated > cap) throw tooComplex();
      if (xml) run = longestRun(chunk, run, limits.textRunBytes);
    }
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw notAWorkbook();
  } finally {
    raw.destroy();
    stream.destroy();
  }
}

/** Continues the count of bytes since the last `<` through a chunk; too long a text is refused. */
function longestRun(chunk: Buffer, carried: number, max: number): number {
  let from = 0;
  let run = carried;
  for (;;) {
    const tag = chunk.indexOf(0x3c, from);
    const length = (tag < 0 ? chunk.length : tag) - from;
    if (run + length > max) throw tooComplex();
    if (tag < 0) return run + length;
    run = 0;
    from = tag + 1;
  }
}
