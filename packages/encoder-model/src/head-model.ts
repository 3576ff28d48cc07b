// The base of every task head: an encoder (own or shared) plus the head's own HF-named
// parameters; `namedParameters()` lists the encoder's, then the head's.
import type * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './config.js';
import type { EncoderOutput } from './encoder-inputs.js';
import { EncoderModule } from './encoder-module.js';
import { ConfigError } from './errors.js';
import { BertModel } from './model.js';
import { checkModelConfig, checkModuleOptions } from './module-options.js';
import { dropout } from './ops.js';
import { ParameterSet } from './parameter-set.js';

export interface HeadOptions {
  /** Seed for init and dropout (default 0). */
  seed?: number;
  /** Share an existing encoder (its parameters, RNG and pooler) instead of creating one; the head's `dispose()` then leaves it to its owner. */
  encoder?: BertModel;
}

/** A shared encoder must be a `BertModel` built for the same shapes as the head's config. */
function checkSharedEncoder(config: BertConfig, encoder: unknown): void {
  if (!(encoder instanceof BertModel))
    throw new ConfigError('must be a BertModel (to share its parameters)', {
      field: 'encoder',
      value: encoder,
    });
  const sizes = (c: BertConfig) =>
    `${c.modelType} hidden_size ${c.hiddenSize}, vocab_size ${c.vocabSize}, intermediate_size ${c.intermediateSize}`;
  if (sizes(encoder.config) !== sizes(config))
    throw new ConfigError(
      `was built for ${sizes(encoder.config)}, but the head's config has ${sizes(config)}`,
      {
        field: 'encoder',
      },
    );
}

export abstract class HeadModel extends EncoderModule {
  readonly encoder: BertModel;
  /** Parameters of the head itself (the encoder's are in `encoder`). */
  readonly head: ParameterSet;
  /** False when the encoder was passed in (`encoder` option): its owner disposes it. */
  readonly ownsEncoder: boolean;
  constructor(config: BertConfig, opts: HeadOptions, pooler: boolean) {
    checkModuleOptions(checkModelConfig(config), opts);
    if (opts.encoder !== undefined) checkSharedEncoder(config, opts.encoder);
    const encoder = opts.encoder ?? new BertModel(config, { seed: opts.seed, addPoolingLayer: pooler });
    super(config, encoder.rng);
    this.encoder = encoder;
    this.ownsEncoder = opts.encoder === undefined;
    this.head = new ParameterSet(encoder.rng, config.initializerRange);
  }
  /**
   * Disposes the head's parameters, and the encoder's when this head created it. A shared encoder
   * (the `encoder` option) stays usable by the other heads on it: dispose it where it was made.
   */
  override dispose(): void {
    for (const v of this.head.params.values()) v.dispose();
    if (this.ownsEncoder) this.encoder.dispose();
  }
  namedParameters(): Map<string, tf.Variable> {
    return new Map([...this.encoder.namedParameters(), ...this.head.params]);
  }
  override setTraining(training: boolean): void {
    super.setTraining(training);
    this.encoder.setTraining(training);
  }
  /** Classifier dropout (`classifier_dropout`, else `hidden_dropout_prob`); identity in eval mode. */
  protected drop<T extends tf.Tensor>(x: T, training?: boolean): T {
    const rate = this.config.classifierDropout ?? this.config.hiddenDropoutProb;
    return dropout(x, rate, (training ?? this.training) ? this.rng : undefined);
  }
  protected pooled(out: EncoderOutput): tf.Tensor2D {
    if (!out.pooledOutput) throw new Error('this head needs an encoder with a pooler (addPoolingLayer)');
    return out.pooledOutput;
  }
}
