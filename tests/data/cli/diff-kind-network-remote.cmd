diff --color=never kinds/base.sb kinds/network-remote.sb
