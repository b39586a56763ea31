/* Whether the machine runs on battery, as systemd's ConditionACPower tells it: on battery
 * when at least one power supply that is not a battery (mains, USB) is present and none
 * of them is online; a machine with no such supply (a desktop, a server, a container)
 * runs on mains. The supplies are read from /sys/class/power_supply, or from the folder
 * $FACECLUSTER_POWER_SUPPLY names (tests: a fake one). */
#ifndef FC_DAEMON_POWER_H
#define FC_DAEMON_POWER_H

/* 1 on battery, 0 on mains (or when nothing says otherwise). */
int power_on_battery(void);

/* The folder read (for the log). */
const char *power_supply_dir(void);

#endif
