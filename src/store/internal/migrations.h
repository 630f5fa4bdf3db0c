// Versioned schema migrations compiled into the binary. Version N is the N-th script;
// applied versions are recorded in schema_migrations. Private to store/.
#pragma once

#include "core/status.h"
#include "store/internal/sqlite_db.h"

namespace lingxi::store::internal {

// Number of migrations this binary knows (= the schema version after Migrate()).
int LatestSchemaVersion();

// Applies every pending migration, each in its own transaction, and returns the
// resulting schema version. Internal if a migration fails (that migration leaves no
// trace) or if the database is newer than this binary.
Result<int> Migrate(Db& db);

}  // namespace lingxi::store::internal
