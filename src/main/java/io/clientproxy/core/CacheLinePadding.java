package io.clientproxy.core;

/**
 * 64 bytes of unused fields for a class to extend, so that the fields it declares do not share a
 * cache line with whatever object lies before it in memory. The JVM lays out a superclass's fields
 * before its subclass's. A subclass whose objects different threads write (a shard's lock and
 * lists) also ends with unused references: the JVM puts references after primitive fields, in
 * the order declared, so those come last and keep the next object off its line.
 *
 * <p>Without this, the shards' small objects sit side by side, and two threads working on
 * different shards keep taking the same cache lines from each other's core.
 */
@SuppressWarnings("unused")
abstract class CacheLinePadding {
    /** Takes the gap after the object header, which the JVM would otherwise fill with a subclass's int. */
    private int gap;
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}
