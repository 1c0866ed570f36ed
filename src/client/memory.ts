/**
 * A full garbage collection on demand, for after a very large answer was dropped. V8 lets garbage grow to several
 * times the live heap before collecting: a server answering every list with 9 MB left ~200 MB of dead bodies
 * between collections (peak RSS 350–480 MB for a live set near 60 MB). Collecting once a big parsed body is let go
 * keeps the peak near the live set plus one or two bodies. Costs a few milliseconds, only after such bodies.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null; // a runtime without the flag: V8's own schedule then
    }
  }
  collect?.();
}
