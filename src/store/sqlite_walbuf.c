/* sqlite_walbuf.c - a SQLite VFS that hands each commit's WAL frames to the
 * kernel in one write.
 *
 * SQLite writes a WAL frame as two writes: its 24-byte header, then the
 * page. A commit touching twenty pages makes forty write(2) calls, each
 * taking the file's locks and a partial-page path in the page cache, all of
 * it inside the single-writer section. This VFS wraps the default one and,
 * for WAL files only, gathers contiguous writes in a buffer and writes them
 * with one pwrite when:
 *   - the commit frame is complete (its header carries the database size,
 *     which only a commit frame does), before SQLite publishes the frames
 *     to readers in the WAL index, so no reader can look for a frame that is
 *     still in the buffer;
 *   - a write is not contiguous with the buffer, or the buffer is full;
 *   - before any other operation on the file (read, sync, size, truncate,
 *     file control, close): what SQLite reads, syncs or measures is what it
 *     wrote.
 * An error of the gathered write is returned by the write that completed
 * the commit frame, i.e. by the commit, as it would have been without the
 * buffer. Main database and journal files are the default VFS's own, with
 * nothing in between.
 */
#include "store/sqlite_walbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* The unix VFS writes at most 128 KiB - 1 per call (and fails a write of
 * exactly a multiple of 128 KiB): stay below. */
#define WALBUF_CAP (120 * 1024)
#define FRAME_HEADER 24
#define WAL_HEADER 32

struct walbuf_file {
	sqlite3_file base;
	sqlite3_file *real;      /* the default VFS's file, right after us */
	unsigned char *buf;
	size_t len;
	sqlite3_int64 off;       /* file offset of buf[0] */
	bool commit_pending;     /* the last write was a commit frame header */
};

static sqlite3_vfs walbuf_vfs;
static sqlite3_vfs *default_vfs;

static int
flush(struct walbuf_file *f)
{
	int rc;

	if (f->len == 0)
		return SQLITE_OK;
	rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->off);
	f->len = 0;
	return rc;
}

static int
wb_close(sqlite3_file *p)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc = flush(f), rc2;

	rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
wb_read(sqlite3_file *p, void *out, int n, sqlite3_int64 off)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc = flush(f);

	if (rc != SQLITE_OK)
		return rc;
	return f->real->pMethods->xRead(f->real, out, n, off);
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int
wb_write(sqlite3_file *p, const void *data, int n, sqlite3_int64 off)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	bool commit = f->commit_pending;
	int rc;

	f->commit_pending = false;
	if (f->buf == NULL) {
		/* First write through this handle (most handles only read). */
		f->buf = malloc(WALBUF_CAP);
		if (f->buf == NULL)
			return f->real->pMethods->xWrite(f->real, data, n, off);
	}
	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
	    f->len + (size_t)n > WALBUF_CAP)) {
		rc = flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if ((size_t)n > WALBUF_CAP) {
		rc = flush(f);
		return rc != SQLITE_OK ? rc :
		    f->real->pMethods->xWrite(f->real, data, n, off);
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, data, (size_t)n);
	f->len += (size_t)n;
	/* A frame header whose "database size after commit" field is set
	 * belongs to a commit frame: once its page follows, the commit's
	 * frames are all here. */
	if (n == FRAME_HEADER && off >= WAL_HEADER &&
	    be32((const unsigned char *)data + 4) != 0)
		f->commit_pending = true;
	if (commit)
		return flush(f);
	return SQLITE_OK;
}

static int
wb_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc :
	    f->real->pMethods->xTruncate(f->real, size);
}

static int
wb_sync(sqlite3_file *p, int flags)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int
wb_file_size(sqlite3_file *p, sqlite3_int64 *size)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc :
	    f->real->pMethods->xFileSize(f->real, size);
}

static int
wb_lock(sqlite3_file *p, int level)
{
	struct walbuf_file *f = (struct walbuf_file *)p;

	return f->real->pMethods->xLock(f->real, level);
}

static int
wb_unlock(sqlite3_file *p, int level)
{
	struct walbuf_file *f = (struct walbuf_file *)p;

	return f->real->pMethods->xUnlock(f->real, level);
}

static int
wb_check_reserved(sqlite3_file *p, int *out)
{
	struct walbuf_file *f = (struct walbuf_file *)p;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
wb_file_control(sqlite3_file *p, int op, void *arg)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc :
	    f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
wb_sector_size(sqlite3_file *p)
{
	struct walbuf_file *f = (struct walbuf_file *)p;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
wb_device_characteristics(sqlite3_file *p)
{
	struct walbuf_file *f = (struct walbuf_file *)p;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* A WAL file has no shared memory or mapping of its own (those belong to
 * the main database file); the version-1 methods are all SQLite calls. */
static const sqlite3_io_methods walbuf_io = {
	.iVersion = 1,
	.xClose = wb_close,
	.xRead = wb_read,
	.xWrite = wb_write,
	.xTruncate = wb_truncate,
	.xSync = wb_sync,
	.xFileSize = wb_file_size,
	.xLock = wb_lock,
	.xUnlock = wb_unlock,
	.xCheckReservedLock = wb_check_reserved,
	.xFileControl = wb_file_control,
	.xSectorSize = wb_sector_size,
	.xDeviceCharacteristics = wb_device_characteristics,
};

static int
wb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags,
    int *out_flags)
{
	struct walbuf_file *f = (struct walbuf_file *)p;
	int rc;

	(void)vfs;
	if ((flags & SQLITE_OPEN_WAL) == 0)
		/* The default VFS's file, in our (larger) space. */
		return default_vfs->xOpen(default_vfs, name, p, flags,
		    out_flags);
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	rc = default_vfs->xOpen(default_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK)
		/* pMethods stays NULL: SQLite does not close it. */
		return rc;
	f->base.pMethods = &walbuf_io;
	return SQLITE_OK;
}

static int
wb_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	(void)v;
	return default_vfs->xDelete(default_vfs, name, sync_dir);
}

static int
wb_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return default_vfs->xAccess(default_vfs, name, flags, out);
}

static int
wb_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return default_vfs->xFullPathname(default_vfs, name, n, out);
}

static void *
wb_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return default_vfs->xDlOpen(default_vfs, name);
}

static void
wb_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	default_vfs->xDlError(default_vfs, n, out);
}

static void (*wb_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return default_vfs->xDlSym(default_vfs, h, sym);
}

static void
wb_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	default_vfs->xDlClose(default_vfs, h);
}

static int
wb_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return default_vfs->xRandomness(default_vfs, n, out);
}

static int
wb_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return default_vfs->xSleep(default_vfs, us);
}

static int
wb_current_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return default_vfs->xCurrentTime(default_vfs, out);
}

static int
wb_get_last_error(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return default_vfs->xGetLastError(default_vfs, n, out);
}

static int
wb_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return default_vfs->xCurrentTimeInt64(default_vfs, out);
}

int
sqlite_walbuf_register(void)
{
	default_vfs = sqlite3_vfs_find(NULL);
	if (default_vfs == NULL || default_vfs->iVersion < 2)
		return SQLITE_ERROR;
	walbuf_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct walbuf_file) +
		    default_vfs->szOsFile,
		.mxPathname = default_vfs->mxPathname,
		.zName = SQLITE_WALBUF_VFS,
		.xOpen = wb_open,
		.xDelete = wb_delete,
		.xAccess = wb_access,
		.xFullPathname = wb_full_pathname,
		.xDlOpen = wb_dlopen,
		.xDlError = wb_dlerror,
		.xDlSym = wb_dlsym,
		.xDlClose = wb_dlclose,
		.xRandomness = wb_randomness,
		.xSleep = wb_sleep,
		.xCurrentTime = wb_current_time,
		.xGetLastError = wb_get_last_error,
		.xCurrentTimeInt64 = wb_current_time_int64,
	};
	return sqlite3_vfs_register(&walbuf_vfs, 0);
}
