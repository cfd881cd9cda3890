// The few parts of `unzipper` the importers use (the package ships no types).
declare module 'unzipper' {
  import type { Readable } from 'node:stream';
  interface Entry {
    path: string;
    type: 'File' | 'Directory';
    stream(): Readable;
  }
  interface CentralDirectory {
    files: Entry[];
  }
  const unzipper: { Open: { file(path: string): Promise<CentralDirectory> } };
  export default unzipper;
}
