"""Indonesian stop words: function words that say nothing about what a story is about.

Written for news copy: besides particles, pronouns, prepositions and conjunctions it
lists the reporting verbs ("ujarnya", "katanya"), day and month names and small number
words that appear in almost every article whatever its subject.
"""

from __future__ import annotations

_WORDS = """
ada adalah adanya agak agar akan akhirnya aku amat anda antara antaranya apa apabila
apakah apalagi atas atau ataupun bagai bagaimana bagaimanapun bagi bahkan bahwa bahwasanya
baik banyak baru begini begitu beliau belum berapa berbagai beberapa berkata bersama
betapa bila bilamana bisa boleh bukan bukankah cukup dalam dan dapat dari daripada
demi demikian dengan di dia diri dirinya dong dulu engkau gak hal hampir hanya harus
hingga ia ialah ini inilah itu itulah jadi jangan jika juga justru kala kalau kalian
kami kamu kan kapan karena kata katanya ke kecuali kemudian kenapa kepada ketika
kini kita kok lagi lain lainnya lalu maka makin mana manakala masih masing mau
melainkan melalui memang menjadi mengapa menurut mereka merupakan meski meskipun
mungkin namun nanti nggak nya oleh olehnya pada padahal paling para pernah perlu
pula pun punya saat saja salah sama sambil sampai sana sangat saya seakan sebab
sebagai sebagaimana sebelum sebelumnya sebuah secara sedang sedangkan sedikit segala
sehingga sejak sekali sekarang sekitar selain selalu selama seluruh semakin sementara
semua sendiri seorang seperti sering serta sesudah setelah setiap sih sini situ
suatu sudah supaya tak tanpa tapi telah tentang tentu terhadap termasuk tersebut
tetapi tiap tidak toh untuk walau walaupun ya yaitu yakni yang
lebih kembali siapa kemarin tadi besok hendak sempat usai

ujar ujarnya ucap ucapnya tutur tuturnya ungkap ungkapnya jelas jelasnya imbuh
imbuhnya tambah tambahnya lanjut lanjutnya terang terangnya sebut sebutnya
mengatakan menjelaskan mengungkapkan menambahkan menyebutkan menuturkan
dikatakan disebutkan dijelaskan

senin selasa rabu kamis jumat sabtu minggu pekan
januari februari maret april mei juni juli agustus september oktober november desember

satu dua tiga empat lima enam tujuh delapan sembilan sepuluh belas puluh ratus
ribu juta miliar triliun pertama kedua ketiga

yg dgn tsb dll dsb dst utk
"""

STOP_WORDS: frozenset[str] = frozenset(_WORDS.split())
