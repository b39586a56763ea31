/* Regrouping faces into people: the store's faces through core's clustering and back. */
#ifndef FC_DAEMON_PEOPLE_H
#define FC_DAEMON_PEOPLE_H

#include "../store/store.h"

/* Loads every face and the user's constraints, regroups them, keeps person ids across
 * the change, writes the result in one transaction and logs a line. Returns 0 or an
 * error (logged). */
int people_regroup(fc_store *store, float threshold);

#endif
