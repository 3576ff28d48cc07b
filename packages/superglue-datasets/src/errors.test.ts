import { SelfevoError } from '@selfevo/utils';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as nodeApi from './node/index.js';

describe('errors', () => {
  it("every error class of this package extends SuperGlueDatasetsError; the schema's come from superglue-tasks", () => {
    // The Node entry adds no error class of its own: every class is importable in a browser too.
    expect(Object.keys(nodeApi).filter((n) => n.endsWith('Error'))).toEqual([]);
    const classes = Object.entries(api).filter(
      ([name, v]) => typeof v === 'function' && name.endsWith('Error'),
    ) as [string, new (...args: never[]) => Error][];
    const schema = [
      'UnknownLabelError',
      'UnknownSplitError',
      'UnknownTaskError',
      'ZipFormatError',
      'ZipLimitError',
    ];
    expect(classes.map(([n]) => n).sort()).toEqual(
      [
        'CachePathError',
        'ChecksumMismatchError',
        'DatasetOptionError',
        'DownloadError',
        'MissingDataError',
        'SpanAlignmentError',
        'SuperGlueDatasetsError',
        'SuperGlueFormatError',
        'UnexpectedContentError',
        'UnknownChecksumError',
        'UnsafeZipEntryError',
        ...schema,
      ].sort(),
    );
    for (const [name, cls] of classes) {
      expect(cls.prototype, name).toBeInstanceOf(SelfevoError);
      if (schema.includes(name) || cls === api.SuperGlueDatasetsError) continue;
      expect(cls.prototype, name).toBeInstanceOf(api.SuperGlueDatasetsError);
    }
  });

  it('name the option or value at fault', () => {
    expect(() => api.planBatches([], { padTokenId: 0, batchSize: 0 })).toThrow(
      new api.DatasetOptionError('batchSize', 'must be >= 1, got 0'),
    );
    expect(() => api.collate([], { padTokenId: 0 })).toThrow(api.DatasetOptionError);
    expect(() => nodeApi.resolveDataDir('')).toThrow(api.MissingDataError);
    expect(() => nodeApi.splitFileName('AX-b', 'train')).toThrow(api.UnknownSplitError);
    expect(() => api.labelIndex('CB', 'maybe')).toThrow(api.UnknownLabelError);
    const e = new api.SuperGlueFormatError(
      { file: 'CB/val.jsonl', line: 7, field: 'label' },
      'unknown label',
    );
    expect(e.name).toBe('SuperGlueFormatError');
    expect(e.message).toBe('CB/val.jsonl:7 field "label": unknown label');
  });
});
