import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyHeapGrowth, DEFAULT_HEAP_GROWING_PERCENT, HEAP_GROWING_ENV } from './heap-growth.js';

test('the growing factor: default, from the environment, off with 0', () => {
  assert.equal(applyHeapGrowth({}, []), DEFAULT_HEAP_GROWING_PERCENT);
  assert.equal(applyHeapGrowth({ [HEAP_GROWING_ENV]: '50' }, []), 50);
  assert.equal(applyHeapGrowth({ [HEAP_GROWING_ENV]: '0' }, []), undefined);
});

test('Node flags that choose how the heap grows win over the default', () => {
  assert.equal(applyHeapGrowth({ NODE_OPTIONS: '--max-old-space-size=4096' }, []), undefined);
  assert.equal(applyHeapGrowth({}, ['--heap-growing-percent=80']), undefined);
  assert.equal(applyHeapGrowth({}, ['--optimize-for-size']), undefined);
});

test('a value that is not a whole percentage is refused, naming the variable', () => {
  for (const bad of ['fast', '-5', '1.5', '5000'])
    assert.throws(() => applyHeapGrowth({ [HEAP_GROWING_ENV]: bad }, []), new RegExp(HEAP_GROWING_ENV));
});
