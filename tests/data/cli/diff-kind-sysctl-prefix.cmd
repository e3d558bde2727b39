diff --color=never kinds/base.sb kinds/sysctl-prefix.sb
