#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a macro around a cast that Swift cannot import: it tells SQLite to copy
/// bound text and blobs before `sqlite3_bind_*` returns.
static inline sqlite3_destructor_type sqliteTransient(void) {
    return (sqlite3_destructor_type)-1;
}
