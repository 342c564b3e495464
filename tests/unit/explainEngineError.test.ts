import { describe, expect, it } from 'vitest';
import { explainEngineError } from '../../src/lib/engineErrors';

describe('explainEngineError: a model that is not ready', () => {
  it('names the damaged files, which are downloaded again alone', () => {
    const shown = explainEngineError({ name: 'ModelNotReadyError', message: 'x', badFiles: ['model.gguf'] });
    expect(shown.title).toBe('Some model files are missing or damaged');
    expect(shown.detail).toContain('model.gguf');
  });

  it('says a model deleted while it loaded is gone, and promises no download', () => {
    const shown = explainEngineError({ name: 'ModelNotReadyError', message: 'x', badFiles: [] });
    expect(shown.title).toBe('This model is no longer on this device');
    expect(shown.detail).not.toMatch(/will be downloaded/);
  });
});
