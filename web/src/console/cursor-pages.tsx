import { Button, Flex } from 'antd';
import { useState } from 'react';

/**
 * Back and forth through a keyset-paged list: the cursors walked so far (the page shown is the
 * last), `reset` when a filter changes, and the ‹ › buttons given the page's `next_cursor`.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    reset: () => setCursors([]),
    pager: (next: string | null | undefined) => (
      <Flex justify="end" gap={8}>
        <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ‹
        </Button>
        <Button disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
          ›
        </Button>
      </Flex>
    ),
  };
}
