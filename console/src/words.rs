//! The console's own words in English, Spanish and Portuguese, following
//! the operator's choice (kept in this browser; the browser's language
//! until they choose). The English sentence is the key: `tr("Sign out")`
//! is it in the operator's language, and `trf` fills each `{}` in order.
//! A test reads the console's sources and fails on any sentence passed to
//! them without both translations, and on any translation nobody uses.
//!
//! Choosing another language reloads the console: every view then renders
//! in it, with no signal behind each of its words.

use std::cell::Cell;

use charla_client::chat::StatusWords;
use charla_client::storage::{load, save};
use charla_shared::channel::Language;

/// Where the operator's choice is kept.
const KEY: &str = "charla.console.language";

thread_local! {
    static LANGUAGE: Cell<Language> = const { Cell::new(Language::En) };
}

/// Reads the operator's choice (or the browser's language) once, before
/// anything renders.
pub fn init() {
    let chosen = load::<Language>(KEY).or_else(|| {
        let navigator = web_sys::window()?.navigator();
        navigator
            .languages()
            .iter()
            .filter_map(|tag| tag.as_string())
            .find_map(|tag| Language::from_tag(&tag))
    });
    LANGUAGE.with(|l| l.set(chosen.unwrap_or(Language::En)));
}

/// The console's language.
pub fn language() -> Language {
    LANGUAGE.with(Cell::get)
}

/// Keeps the operator's choice and shows the console in it.
pub fn choose(language: Language) {
    save(KEY, &language);
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// A sentence in the console's language.
pub fn tr(english: &'static str) -> &'static str {
    in_language(language(), english)
}

/// A sentence with each `{}` filled, in order, in the console's language.
pub fn trf(english: &'static str, values: &[&str]) -> String {
    fill(tr(english), values)
}

/// The status line's words.
pub fn status() -> StatusWords {
    StatusWords {
        connecting: tr("Connecting…"),
        reconnecting: tr("Connection lost. Reconnecting… Your replies will be sent."),
        offline: tr("Offline. Your replies will be sent when you are back online."),
    }
}

fn in_language(language: Language, english: &'static str) -> &'static str {
    let table = match language {
        Language::En => return english,
        Language::Es => ES,
        Language::Pt => PT,
    };
    table
        .iter()
        .find(|(key, _)| *key == english)
        .map_or(english, |(_, said)| said)
}

fn fill(template: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(values.next().copied().unwrap_or_default());
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// Spanish.
const ES: &[(&str, &str)] = &[
    ("Loading…", "Cargando…"),
    ("Conversations", "Conversaciones"),
    ("Leads and tickets", "Clientes potenciales y tickets"),
    ("Ratings", "Valoraciones"),
    ("Dashboard", "Panel"),
    ("Channels", "Canales"),
    ("Chatbots", "Chatbots"),
    ("Console", "Consola"),
    ("Sign out", "Cerrar sesión"),
    ("Sign out everywhere", "Cerrar sesión en todas partes"),
    ("Language", "Idioma"),
    ("Charla console", "Consola de Charla"),
    ("E-mail", "Correo electrónico"),
    ("Password", "Contraseña"),
    ("Sign in", "Iniciar sesión"),
    ("Connecting…", "Conectando…"),
    (
        "Connection lost. Reconnecting… Your replies will be sent.",
        "Se perdió la conexión. Reconectando… Sus respuestas se enviarán.",
    ),
    (
        "Offline. Your replies will be sent when you are back online.",
        "Sin conexión. Sus respuestas se enviarán cuando vuelva a estar en línea.",
    ),
    ("Search conversations", "Buscar conversaciones"),
    (
        "Search by name, e-mail or words",
        "Buscar por nombre, correo o palabras",
    ),
    ("Nothing found.", "No se encontró nada."),
    (
        "No conversations yet. They appear here as visitors write.",
        "Aún no hay conversaciones. Aparecen aquí cuando los visitantes escriben.",
    ),
    ("Open conversations", "Conversaciones abiertas"),
    (
        "Pick a conversation to answer it.",
        "Elija una conversación para responderla.",
    ),
    ("Operators", "Operadores"),
    (
        "Nobody else answers your channels yet.",
        "Nadie más responde sus canales todavía.",
    ),
    ("Message {}", "Escribir a {}"),
    ("Message", "Escribir"),
    ("You: ", "Usted: "),
    (
        "Identity verified by the site",
        "Identidad verificada por el sitio",
    ),
    ("No messages yet", "Aún no hay mensajes"),
    ("online", "en línea"),
    ("operator", "operador"),
    (
        "Block this visitor? Their chat stops working.",
        "¿Bloquear a este visitante? Su chat dejará de funcionar.",
    ),
    (
        "The visitor is blocked: their chat no longer opens.",
        "El visitante está bloqueado: su chat ya no se abre.",
    ),
    (
        "Not connected: the conversation was not ended. Try again in a moment.",
        "Sin conexión: la conversación no se terminó. Inténtelo de nuevo en un momento.",
    ),
    (
        "Delete this conversation for good, with its transcript, notes and rating?",
        "¿Eliminar esta conversación para siempre, con su transcripción, notas y valoración?",
    ),
    ("End conversation", "Terminar la conversación"),
    ("Ended", "Terminada"),
    ("Download transcript", "Descargar la transcripción"),
    ("Block visitor", "Bloquear al visitante"),
    ("Delete", "Eliminar"),
    ("Close this conversation", "Cerrar esta conversación"),
    ("Transcript", "Transcripción"),
    ("You", "Usted"),
    ("Sending…", "Enviando…"),
    ("Seen", "Visto"),
    ("Seen by the visitor", "Visto por el visitante"),
    ("Notes for operators", "Notas para operadores"),
    (
        "Notes · only operators see these",
        "Notas · solo los operadores las ven",
    ),
    ("Reply", "Respuesta"),
    ("Write a reply…", "Escriba una respuesta…"),
    ("Send", "Enviar"),
    ("Attach a file", "Adjuntar un archivo"),
    ("Try again", "Reintentar"),
    ("Dismiss", "Descartar"),
    ("Canned responses", "Respuestas predefinidas"),
    (
        "Private note (type / for commands, @name to tell an operator)",
        "Nota privada (escriba / para comandos, @nombre para avisar a un operador)",
    ),
    ("Sound for new messages", "Sonido para mensajes nuevos"),
    ("offline", "desconectado"),
    ("{} unread", "{} sin leer"),
    ("{}+ unread", "{}+ sin leer"),
    ("({}) Charla console", "({}) Consola de Charla"),
    ("verified ({})", "verificada ({})"),
    ("not verified", "sin verificar"),
    ("{} on {}", "{} en {}"),
    ("none", "ninguna"),
    ("About the visitor", "Sobre el visitante"),
    ("Name", "Nombre"),
    ("Identity", "Identidad"),
    ("Country", "País"),
    ("Local time", "Hora local"),
    ("Browser", "Navegador"),
    ("Current page", "Página actual"),
    ("Started on", "Empezó en"),
    ("Visits", "Visitas"),
    ("Earlier conversations", "Conversaciones anteriores"),
    ("Id (a-z, 0-9, -)", "Id (a-z, 0-9, -)"),
    ("Create", "Crear"),
];

/// Portuguese.
const PT: &[(&str, &str)] = &[
    ("Loading…", "Carregando…"),
    ("Conversations", "Conversas"),
    ("Leads and tickets", "Leads e tickets"),
    ("Ratings", "Avaliações"),
    ("Dashboard", "Painel"),
    ("Channels", "Canais"),
    ("Chatbots", "Chatbots"),
    ("Console", "Console"),
    ("Sign out", "Sair"),
    ("Sign out everywhere", "Sair em todos os lugares"),
    ("Language", "Idioma"),
    ("Charla console", "Console do Charla"),
    ("E-mail", "E-mail"),
    ("Password", "Senha"),
    ("Sign in", "Entrar"),
    ("Connecting…", "Conectando…"),
    (
        "Connection lost. Reconnecting… Your replies will be sent.",
        "A conexão caiu. Reconectando… Suas respostas serão enviadas.",
    ),
    (
        "Offline. Your replies will be sent when you are back online.",
        "Sem conexão. Suas respostas serão enviadas quando voltar a estar on-line.",
    ),
    ("Search conversations", "Pesquisar conversas"),
    (
        "Search by name, e-mail or words",
        "Pesquisar por nome, e-mail ou palavras",
    ),
    ("Nothing found.", "Nada encontrado."),
    (
        "No conversations yet. They appear here as visitors write.",
        "Ainda não há conversas. Elas aparecem aqui quando os visitantes escrevem.",
    ),
    ("Open conversations", "Conversas abertas"),
    (
        "Pick a conversation to answer it.",
        "Escolha uma conversa para respondê-la.",
    ),
    ("Operators", "Operadores"),
    (
        "Nobody else answers your channels yet.",
        "Ninguém mais atende os seus canais ainda.",
    ),
    ("Message {}", "Escrever para {}"),
    ("Message", "Escrever"),
    ("You: ", "Você: "),
    (
        "Identity verified by the site",
        "Identidade verificada pelo site",
    ),
    ("No messages yet", "Ainda não há mensagens"),
    ("online", "on-line"),
    ("operator", "operador"),
    (
        "Block this visitor? Their chat stops working.",
        "Bloquear este visitante? O chat dele deixará de funcionar.",
    ),
    (
        "The visitor is blocked: their chat no longer opens.",
        "O visitante está bloqueado: o chat dele não abre mais.",
    ),
    (
        "Not connected: the conversation was not ended. Try again in a moment.",
        "Sem conexão: a conversa não foi encerrada. Tente de novo em um momento.",
    ),
    (
        "Delete this conversation for good, with its transcript, notes and rating?",
        "Excluir esta conversa para sempre, com a transcrição, as notas e a avaliação?",
    ),
    ("End conversation", "Encerrar a conversa"),
    ("Ended", "Encerrada"),
    ("Download transcript", "Baixar a transcrição"),
    ("Block visitor", "Bloquear o visitante"),
    ("Delete", "Excluir"),
    ("Close this conversation", "Fechar esta conversa"),
    ("Transcript", "Transcrição"),
    ("You", "Você"),
    ("Sending…", "Enviando…"),
    ("Seen", "Visto"),
    ("Seen by the visitor", "Visto pelo visitante"),
    ("Notes for operators", "Notas para operadores"),
    (
        "Notes · only operators see these",
        "Notas · só os operadores as veem",
    ),
    ("Reply", "Resposta"),
    ("Write a reply…", "Escreva uma resposta…"),
    ("Send", "Enviar"),
    ("Attach a file", "Anexar um arquivo"),
    ("Try again", "Tentar novamente"),
    ("Dismiss", "Dispensar"),
    ("Canned responses", "Respostas prontas"),
    (
        "Private note (type / for commands, @name to tell an operator)",
        "Nota privada (digite / para comandos, @nome para avisar um operador)",
    ),
    ("Sound for new messages", "Som para novas mensagens"),
    ("offline", "off-line"),
    ("{} unread", "{} não lidas"),
    ("{}+ unread", "{}+ não lidas"),
    ("({}) Charla console", "({}) Console do Charla"),
    ("verified ({})", "verificada ({})"),
    ("not verified", "não verificada"),
    ("{} on {}", "{} em {}"),
    ("none", "nenhuma"),
    ("About the visitor", "Sobre o visitante"),
    ("Name", "Nome"),
    ("Identity", "Identidade"),
    ("Country", "País"),
    ("Local time", "Hora local"),
    ("Browser", "Navegador"),
    ("Current page", "Página atual"),
    ("Started on", "Começou em"),
    ("Visits", "Visitas"),
    ("Earlier conversations", "Conversas anteriores"),
    ("Id (a-z, 0-9, -)", "Id (a-z, 0-9, -)"),
    ("Create", "Criar"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every English sentence the console's sources pass to `tr` or `trf`.
    fn sentences() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let mut source = std::fs::read_to_string(&path).unwrap();
            // Here, only what comes before the tables.
            if path.file_name().is_some_and(|n| n == "words.rs") {
                source.truncate(source.find("/// Spanish.").unwrap());
            }
            for call in ["tr(", "trf("] {
                for (at, _) in source.match_indices(call) {
                    let before = source[..at].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = source[at + call.len()..].trim_start();
                    if let Some(text) = rest.strip_prefix('"') {
                        found.push(text[..text.find('"').unwrap()].to_owned());
                    }
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }

    #[test]
    fn every_sentence_has_both_translations_and_every_translation_is_used() {
        let used = sentences();
        assert!(used.len() > 40, "the sources are read: {used:?}");
        for (name, table) in [("Spanish", ES), ("Portuguese", PT)] {
            for sentence in &used {
                assert!(
                    table.iter().any(|(key, _)| key == sentence),
                    "no {name} for {sentence:?}"
                );
            }
            for (key, said) in table {
                assert!(
                    used.iter().any(|s| s == key),
                    "{name} {said:?} translates {key:?}, which nothing says"
                );
                assert_eq!(
                    key.matches("{}").count(),
                    said.matches("{}").count(),
                    "{name} for {key:?} fills as many places"
                );
            }
        }
    }

    #[test]
    fn sentences_come_in_the_chosen_language_with_their_blanks_filled() {
        assert_eq!(in_language(Language::Es, "Sign out"), "Cerrar sesión");
        assert_eq!(in_language(Language::Pt, "Sign out"), "Sair");
        assert_eq!(in_language(Language::En, "Sign out"), "Sign out");
        assert_eq!(fill("Message {}", &["Ana"]), "Message Ana");
        assert_eq!(
            fill(in_language(Language::Es, "Message {}"), &["Luis"]),
            "Escribir a Luis"
        );
        assert_eq!(fill("{} and {}", &["a"]), "a and ");
    }
}
