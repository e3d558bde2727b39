build --comment 'writable roots' --allow-read-write ${WORK} --allow-write ${HOME}/.cache --param HOME=/Users/me --deny-write ${WORK}/.git/hooks
