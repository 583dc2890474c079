/** `IterableDatasetDict`: the streamed splits of a dataset, each an `IterableDataset`. */
import { SplitNotFoundError } from "../errors.js";
import type { IterableDataset } from "./iterable-dataset.js";

export class IterableDatasetDict {
  constructor(readonly splits: Readonly<Record<string, IterableDataset>>) {}

  get(split: string): IterableDataset {
    const found = this.splits[split];
    if (!found) throw new SplitNotFoundError(split, Object.keys(this.splits));
    return found;
  }

  keys(): string[] {
    return Object.keys(this.splits);
  }
}
