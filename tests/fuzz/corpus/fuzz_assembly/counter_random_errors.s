ldt
rand r1, r2
ldt p1
