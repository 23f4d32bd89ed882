import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { CacheWorker, CacheWorkerModule, CacheWorkerStore, type LoadResult } from '../lib/index.js';
import { makeTempDir } from './support/temp-dir.js';

interface Widget { id: string; name: string }

@Injectable()
class WidgetApi {
  calls = 0;
  async getWidget(id: string): Promise<Widget> {
    this.calls++;
    return { id, name: `widget ${id}` };
  }
}

@Module({ providers: [WidgetApi], exports: [WidgetApi] })
class WidgetApiModule {}

@CacheWorker({ bucket: 'widgets', refreshInterval: 60_000 })
class WidgetStore extends CacheWorkerStore<string, Widget> {
  constructor(private readonly api: WidgetApi) {
    super();
  }
  async load(id: string): Promise<LoadResult<Widget>> {
    return { ok: true, value: await this.api.getWidget(id) };
  }
}

@Injectable()
class WidgetService {
  constructor(readonly store: WidgetStore) {}
}

describe('smoke', () => {
  it('boots, loads once, serves from memory, dumps and restarts warm', async () => {
    const { dir, remove } = await makeTempDir();
    const file = join(dir, 'widgets.dump');
    @Module({
      imports: [
        CacheWorkerModule.forRoot(),
        CacheWorkerModule.forFeature([{ store: WidgetStore, file }], { imports: [WidgetApiModule] }),
      ],
      providers: [WidgetService],
    })
    class AppModule {}

    const first = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = first.createNestApplication();
    await app.init();
    const service = app.get(WidgetService);
    expect(await service.store.fetch('a')).toEqual({ ok: true, value: { id: 'a', name: 'widget a' }, loaded: true });
    expect(await service.store.get('a')).toEqual({ id: 'a', name: 'widget a' });
    expect(app.get(WidgetApi).calls).toBe(1);
    await app.close();

    const second = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app2 = second.createNestApplication();
    await app2.init();
    expect(app2.get(WidgetStore).peek('a')).toEqual({ id: 'a', name: 'widget a' });
    expect(await app2.get(WidgetStore).get('a')).toEqual({ id: 'a', name: 'widget a' });
    expect(app2.get(WidgetApi).calls).toBe(0);
    await app2.close();
    await remove();
  });
});
