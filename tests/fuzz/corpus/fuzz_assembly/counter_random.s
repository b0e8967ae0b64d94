; noise from the counter-based generator, scaled by the step number
    ldt   r1
    rand  r2, 0
    (!p1) RAND r3, 1
    shr   r2, r2, 15
    mul   r4, r1, r2, 0
    sts   0, r4
