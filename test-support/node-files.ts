/** Opens files for tests through the same `ByteSource` the CLI uses. */
import { NodeFileSource } from '../cli/node-source.ts';

export async function withSource<T>(path: string, fn: (src: NodeFileSource) => Promise<T>): Promise<T> {
  const src = await NodeFileSource.open(path);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}
