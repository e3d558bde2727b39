suggest -f suggest-base.sb --diff uv-configd.log
