import 'reflect-metadata';
import { CacheWorkerConfigError } from '../../lib/index.js';
import { CacheWorkerBoardModule, DEFAULT_BOARD_OPTIONS } from '../../lib/board/index.js';

const forRoot = (options: unknown) => () => CacheWorkerBoardModule.forRoot(options as never);

describe('CacheWorkerBoardModule.forRoot options', () => {
  it('defaults to a read-only board at /cache-worker that shows no values', () => {
    expect(DEFAULT_BOARD_OPTIONS).toEqual({ path: '/cache-worker', readOnly: true, showValues: false, sampleInterval: 10_000 });
    expect(forRoot(undefined)).not.toThrow();
  });

  it.each([
    [{ path: 'cache' }, 'CacheWorkerBoardModule: option "path": expected a path such as "/cache-worker" (segments of letters, digits and -._~, no trailing slash), got "cache"'],
    [{ path: '/cache/' }, 'option "path": expected a path such as "/cache-worker"'],
    [{ path: '/cache/:bucket' }, 'option "path": expected a path such as "/cache-worker"'],
    [{ path: 7 }, 'option "path": expected a path such as "/cache-worker" (segments of letters, digits and -._~, no trailing slash), got 7'],
    [{ readOnly: 'no' }, 'CacheWorkerBoardModule: option "readOnly": expected true or false, got "no"'],
    [{ showValues: 1 }, 'CacheWorkerBoardModule: option "showValues": expected true or false, got 1'],
    [{ guard: 'admin' }, 'CacheWorkerBoardModule: option "guard": expected a guard class or an object with a canActivate method, got "admin"'],
    [{ guard: {} }, 'option "guard": expected a guard class or an object with a canActivate method, got object'],
    [{ sampleInterval: 999 }, 'CacheWorkerBoardModule: option "sampleInterval": expected a whole number of milliseconds from 1000 to 3600000, got 999'],
    [{ sampleInterval: 1500.5 }, 'option "sampleInterval": expected a whole number of milliseconds from 1000 to 3600000, got 1500.5'],
    [{ readonly: true }, 'CacheWorkerBoardModule: unknown option "readonly" (the options are path, readOnly, showValues, guard, sampleInterval)'],
    [null, 'CacheWorkerBoardModule: expected an options object, got null'],
    [[], 'CacheWorkerBoardModule: expected an options object, got an array'],
  ])('rejects %p, naming the option', (options, message) => {
    expect(forRoot(options)).toThrow(CacheWorkerConfigError);
    expect(forRoot(options)).toThrow(message);
  });
});
