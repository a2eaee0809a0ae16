/* The least any libpq client can do for `current`: connect with the URL given
 * as the only argument, read the version table, print it. Nothing else is
 * loaded or parsed, so its time is the cost of a PostgreSQL connection on
 * this machine (process start, TCP, authentication, one query). */
#include <libpq-fe.h>
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DATABASE_URL\n", argv[0]);
    return 2;
  }
  PGconn* connection = PQconnectdb(argv[1]);
  if (PQstatus(connection) != CONNECTION_OK) {
    fprintf(stderr, "%s", PQerrorMessage(connection));
    PQfinish(connection);
    return 1;
  }
  PGresult* result = PQexec(connection, "SELECT version_num FROM retort_version");
  int ok = PQresultStatus(result) == PGRES_TUPLES_OK;
  if (ok) {
    for (int row = 0; row < PQntuples(result); ++row) printf("%s\n", PQgetvalue(result, row, 0));
  } else {
    fprintf(stderr, "%s", PQresultErrorMessage(result));
  }
  PQclear(result);
  PQfinish(connection);
  return ok ? 0 : 1;
}
