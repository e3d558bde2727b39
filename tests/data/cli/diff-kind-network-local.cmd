diff --color=never kinds/base.sb kinds/network-local.sb
