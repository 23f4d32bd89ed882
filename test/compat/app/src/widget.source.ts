import { Injectable } from '@nestjs/common';

/** Stands for the slow backend the cache sits in front of; counts the calls it gets. */
@Injectable()
export class WidgetSource {
  calls = 0;

  async getWidget(id: string): Promise<{ id: string; name: string }> {
    this.calls++;
    return { id, name: `widget ${id}` };
  }
}
