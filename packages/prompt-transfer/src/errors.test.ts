import { SelfevoError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import {
  PromptArtifactError,
  PromptConfigError,
  PromptMismatchError,
  PromptTransferError,
} from './errors.js';

describe('errors', () => {
  it('every error is a PromptTransferError (a SelfevoError) named after its class, naming the field', () => {
    const cause = new Error('disk');
    const errors = [
      [new PromptConfigError('numVirtualTokens', 'must be a positive integer'), 'PromptConfigError'],
      [new PromptMismatchError('prompt', 'hidden size 8 differs'), 'PromptMismatchError'],
      [new PromptArtifactError('prompt.safetensors', 'is missing', { cause }), 'PromptArtifactError'],
    ] as const;
    for (const [e, name] of errors) {
      expect(e).toBeInstanceOf(PromptTransferError);
      expect(e).toBeInstanceOf(SelfevoError);
      expect(e.name).toBe(name);
    }
    expect(errors[0][0].message).toBe('numVirtualTokens: must be a positive integer');
    expect(errors[0][0].parameter).toBe('numVirtualTokens');
    expect(errors[1][0].parameter).toBe('prompt');
    expect(errors[2][0].file).toBe('prompt.safetensors');
    expect(errors[2][0].message).toBe('prompt.safetensors: is missing');
    expect(errors[2][0].cause).toBe(cause);
  });
});
