suggest -f suggest-base.sb uv-configd.log
