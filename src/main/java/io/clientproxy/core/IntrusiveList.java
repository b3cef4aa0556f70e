package io.clientproxy.core;

/**
 * A FIFO whose elements carry their own links, so that removing any element is O(1) and costs no
 * allocation. The routing state keeps one per shard for pending requests (in deadline order) and
 * one for idle mappings; a JDK LinkedHashSet would do the same with about 50 more bytes per entry,
 * which is most of the per-request memory budget. Not thread-safe: the owning shard's lock guards it.
 */
final class IntrusiveList<T extends IntrusiveList.Node> extends CacheLinePadding {
    /** An element's links; an element is in at most one list at a time. */
    abstract static class Node {
        Node prev;
        Node next;
        boolean linked;

        final boolean isLinked() {
            return linked;
        }
    }

    private Node head;
    private Node tail;
    private int size;
    /** See {@link CacheLinePadding}: every add and remove writes head, tail and size. */
    @SuppressWarnings("unused")
    private Object q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;

    void addLast(T node) {
        if (node.linked) {
            throw new IllegalStateException("already in a list");
        }
        node.linked = true;
        node.prev = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        size++;
    }

    /** Unlinks the node if it is linked (in this list: callers never mix lists). */
    void remove(T node) {
        if (!node.linked) {
            return;
        }
        if (node.prev == null) {
            head = node.next;
        } else {
            node.prev.next = node.next;
        }
        if (node.next == null) {
            tail = node.prev;
        } else {
            node.next.prev = node.prev;
        }
        node.prev = null;
        node.next = null;
        node.linked = false;
        size--;
    }

    @SuppressWarnings("unchecked")
    T first() {
        return (T) head;
    }

    @SuppressWarnings("unchecked")
    T next(T node) {
        return (T) node.next;
    }

    int size() {
        return size;
    }
}
