diff --color=never kinds/base.sb kinds/ipc.sb
