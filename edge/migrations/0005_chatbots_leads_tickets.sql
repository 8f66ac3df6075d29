-- Chatbots (shared/src/bot.rs `Chatbot` as JSON), and the leads and tickets
-- their scripts (and, later, operators' commands) record. A conversation
-- keeps a copy of its bot's script, so editing a bot never breaks a
-- conversation already running it.
CREATE TABLE chatbots (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    script     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A lead: who the visitor is and what they said, for the sales team.
CREATE TABLE leads (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id      TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    title           TEXT NOT NULL,
    name            TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    source          TEXT NOT NULL,
    -- The transcript up to the moment the lead was made, as JSON messages.
    transcript      TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX leads_by_channel ON leads (channel_id, created_at DESC);

-- A ticket, numbered from 1000 so that the number a visitor is told is
-- short and human.
CREATE TABLE tickets (
    number          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id      TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    team            TEXT NOT NULL,
    title           TEXT NOT NULL,
    name            TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    source          TEXT NOT NULL,
    transcript      TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX tickets_by_channel ON tickets (channel_id, created_at DESC);
INSERT INTO sqlite_sequence (name, seq) VALUES ('tickets', 999);

-- The Welcome Bot every installation starts with (shared/src/bot.rs
-- `welcome_bot`, which a test checks this row against). Admins may edit or
-- remove it.
INSERT INTO chatbots (id, name, script, updated_at) VALUES ('welcome-bot', 'Welcome Bot', '{"name":"Welcome Bot","fallback_language":"en","steps":[{"id":1,"kind":"text","message":{"en":"Welcome to CompanyName! 🌟","es":"¡Bienvenido a CompanyName! 🌟","pt":"Bem-vindo à CompanyName! 🌟"},"only_if":[]},{"id":2,"kind":{"question":{"answers":[{"id":1,"label":{"en":"I have a pricing question","es":"Tengo una pregunta sobre los precios","pt":"Tenho uma pergunta sobre preços"}},{"id":2,"label":{"en":"I am looking for your documentation","es":"Estoy buscando su documentación","pt":"Estou procurando a documentação de vocês"}},{"id":3,"label":{"en":"I am just looking around","es":"Solo estoy echando un vistazo","pt":"Só estou dando uma olhada"}}]}},"message":{"en":"What are you looking for?","es":"¿Qué está buscando?","pt":"O que você está procurando?"},"only_if":[]},{"id":3,"kind":"text","message":{"en":"Hmmm, let me check if I can find someone that could help you with that...","es":"Mmmm, déjeme revisar si puedo encontrar a alguien que pueda ayudarle con eso...","pt":"Hmmm, deixe-me ver se encontro alguém que possa ajudar você com isso..."},"only_if":[1]},{"id":4,"kind":"forward_to_operator","message":{},"only_if":[1]},{"id":5,"kind":"text","message":{"en":"Hu-ho, it looks like none of our operators are available 😞","es":"Oh, oh, parece que ninguno de nuestros operadores está disponible 😞","pt":"Ih, parece que nenhum dos nossos operadores está disponível 😞"},"only_if":[1]},{"id":6,"kind":"email","message":{"en":"Would you mind leaving your email address so that we can reach you back?","es":"¿Le importaría dejarnos su dirección de correo electrónico para que podamos contactarle?","pt":"Você se importaria de deixar seu endereço de e-mail para que possamos entrar em contato?"},"only_if":[1]},{"id":7,"kind":"create_lead","message":{},"only_if":[1]},{"id":8,"kind":"text","message":{"en":"And tadaaaa here you go! 🌟","es":"¡Y taraaán, aquí tiene! 🌟","pt":"E tcharam, aqui está! 🌟"},"only_if":[2]},{"id":9,"kind":"text","message":{"en":"If you need anything else, feel free to get back in touch","es":"Si necesita algo más, no dude en volver a contactarnos","pt":"Se precisar de mais alguma coisa, fique à vontade para nos contatar"},"only_if":[2]},{"id":10,"kind":"text","message":{"en":"Please do! If there is anything we can help with, let us know","es":"¡Adelante! Si hay algo en lo que podamos ayudarle, háganoslo saber","pt":"Fique à vontade! Se pudermos ajudar em algo, é só avisar"},"only_if":[3]}]}', 0);
