import 'reflect-metadata';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, DEFAULT_SETTINGS, type LoadResult } from '../lib/index.js';
import { bootApp } from './support/nest-app.js';
import { makeTempDir } from './support/temp-dir.js';

@CacheWorker({ bucket: 'widgets' })
class WidgetStore extends CacheWorkerStore<string, string> {
  load(id: string): LoadResult<string> {
    return { ok: true, value: `widget ${id}` };
  }
}

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => (temp = await makeTempDir()));
afterAll(() => temp.remove());

/** Boots the README's `forRootAsync` + `ConfigService` example with these environment variables. */
async function bootWithEnvironment(variables: Record<string, string>) {
  return bootApp([
    CacheWorkerModule.forRootAsync({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => variables] })],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        defaults: { cacheEnabled: config.get('CACHE_ENABLED'), redactKeys: config.get('REDACT_KEYS') },
        buckets: {
          widgets: {
            file: config.get('WIDGET_DUMP_FILE'),
            refreshInterval: config.get('WIDGET_REFRESH_MS'),
            loadTimeout: config.get('WIDGET_LOAD_TIMEOUT_MS'),
            maxAge: config.get('WIDGET_MAX_AGE_MS'),
            failureBackoff: config.get('WIDGET_BACKOFF_MS'),
          },
        },
      }),
    }),
    CacheWorkerModule.forFeature([WidgetStore]),
  ]);
}

describe('forRootAsync with ConfigService: environment variables are text', () => {
  it('numbers and booleans given as text are read as such', async () => {
    const file = join(temp.dir, 'widgets.dump');
    const app = await bootWithEnvironment({
      WIDGET_DUMP_FILE: file,
      WIDGET_REFRESH_MS: '2000',
      WIDGET_LOAD_TIMEOUT_MS: '0',
      CACHE_ENABLED: 'true',
      REDACT_KEYS: 'false',
    });
    expect(app.get(WidgetStore).config).toMatchObject({ file, refreshInterval: 2000, loadTimeout: 0, cacheEnabled: true, redactKeys: false });
    expect(await app.get(WidgetStore).fetch('1')).toEqual({ ok: true, value: 'widget 1', loaded: true });
    await app.close();
  });

  it('number fields that are off (null) by default, like maxAge, read their digits too', async () => {
    const app = await bootWithEnvironment({ WIDGET_MAX_AGE_MS: '60000', WIDGET_BACKOFF_MS: '500' });
    expect(app.get(WidgetStore).config).toMatchObject({ maxAge: 60_000, failureBackoff: 500 });
    await app.close();
  });

  it('variables that are not set leave the settings below them in place', async () => {
    const app = await bootWithEnvironment({});
    expect(app.get(WidgetStore).config).toMatchObject({ file: null, refreshInterval: DEFAULT_SETTINGS.refreshInterval });
    await app.close();
  });

  it.each([
    ['WIDGET_REFRESH_MS', '2s', 'field "refreshInterval": expected a whole number of milliseconds from 0 to 2147483647, or null, got "2s"'],
    ['WIDGET_REFRESH_MS', '1.5', 'field "refreshInterval": expected a whole number of milliseconds from 0 to 2147483647, or null, got "1.5"'],
    ['WIDGET_REFRESH_MS', '-1', 'field "refreshInterval": expected a whole number of milliseconds from 0 to 2147483647, or null, got "-1"'],
    ['WIDGET_LOAD_TIMEOUT_MS', '', 'field "loadTimeout": expected a whole number of milliseconds from 0 to 2147483647, got ""'],
    ['WIDGET_LOAD_TIMEOUT_MS', '2147483648', 'field "loadTimeout": expected a whole number of milliseconds from 0 to 2147483647, got 2147483648'],
    ['CACHE_ENABLED', 'yes', 'field "cacheEnabled": expected true or false, got "yes"'],
  ])('%s=%j fails bootstrap naming the bucket and the field', async (variable, value, message) => {
    await expect(bootWithEnvironment({ [variable]: value })).rejects.toThrow(`cache worker "widgets": ${message}`);
  });
});
