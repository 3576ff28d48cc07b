// `EncoderModule`: the parameter base plus the HF folder conveniences `Cls.fromPretrained` and
// `model.savePretrained`. Layering: parameter-module → pretrained (weights I/O) → this → models.
import type { LoadReport } from './errors.js';
import { ParameterModule } from './parameter-module.js';
import { fromPretrained, type ModelClass, type PretrainedOptions, savePretrained } from './pretrained.js';

/** Common surface of the encoder and every head: parameters, train/eval mode, loading. */
export abstract class EncoderModule extends ParameterModule {
  /** Load from a local HF folder or a hub id (see `fromPretrained` in pretrained.ts). */
  static fromPretrained<T extends ParameterModule>(
    this: ModelClass<T>,
    pathOrHubId: string,
    opts?: PretrainedOptions,
  ): Promise<{ model: T; report: LoadReport; dir: string }> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass, so Bert*.fromPretrained returns that head
    return fromPretrained(this, pathOrHubId, opts);
  }
  /** Write `config.json` + `model.safetensors` in the layout HF transformers loads. */
  savePretrained(dir: string, opts?: { tokenizerDir?: string; architecture?: string }): Promise<void> {
    return savePretrained(this, dir, opts);
  }
}
