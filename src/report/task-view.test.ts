import { describe, expect, it } from 'vitest';
import { TaskView, type TaskHandle } from './task-view.js';

describe('TaskView', () => {
  it('keeps what happened before the task was attached, then shows the probe, its time and the latest line', () => {
    let t = 0;
    const v = new TaskView('api', (s) => s, () => t);
    v.starting(42);
    v.line('connecting to database');
    const task: TaskHandle = { title: 'api: pending', output: '' };
    v.attach(task);
    expect(task).toEqual({ title: 'api: starting (pid 42)', output: 'connecting to database' });
    v.probing('http http://127.0.0.1:1/health');
    t = 3200;
    v.tick();
    v.line('cannot connect to database, retrying');
    expect(task).toEqual({ title: 'api: probing http http://127.0.0.1:1/health (3s)', output: 'cannot connect to database, retrying' });
    v.finish();
    v.line('later');
    v.tick();
    expect(task.output).toBe('cannot connect to database, retrying');
  });
});
