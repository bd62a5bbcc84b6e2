// Buffer.prototype.latin1Slice exists in every Node >= 20 but is missing from @types/node.
// It skips toString()'s encoding dispatch, which shows on the per-argument hot path.
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(text: string, offset: number, length: number): number;
  }
}
export {};
