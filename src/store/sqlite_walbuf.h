/* sqlite_walbuf.h - the SQLite VFS that writes each commit's WAL frames with
 * one write (sqlite_walbuf.c). */
#ifndef ONETRIP_STORE_SQLITE_WALBUF_H
#define ONETRIP_STORE_SQLITE_WALBUF_H

#define SQLITE_WALBUF_VFS "onetrip-walbuf"

/* Registers the VFS (not as the default). Once per process, before the
 * first sqlite3_open_v2() naming it. Returns a SQLite result code. */
int sqlite_walbuf_register(void);

#endif
